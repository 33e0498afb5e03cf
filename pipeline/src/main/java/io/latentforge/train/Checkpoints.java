package io.latentforge.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.NetworkFormat;
import io.latentforge.schema.VersionedJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints on any Hadoop file system: {@code epoch-NNNN.network} (parameters and
 * updater state, {@link NetworkFormat}) with {@code epoch-NNNN.json} (the epoch and the training
 * state beside it, with the fingerprint of the input and settings it was trained on), each written
 * to a temporary file and renamed into place, the JSON last so a checkpoint counts only once it is
 * whole. The newest {@link #KEEP} are kept. {@code best.network} holds the parameters of the epoch
 * with the best validation error so far; losing it loses only that copy, never the resume point.
 */
public final class Checkpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  public static final int KEEP = 2;
  /** Where a published model keeps its checkpoints: {@code OUT/models/<model_id>/checkpoints}. */
  public static final String IN_MODEL = "checkpoints";
  private static final String BEST = "best.network";
  private static final String NETWORK = ".network";

  private final Configuration hadoop;
  private final Path dir;

  public Checkpoints(Configuration hadoop, String dir) {
    this.hadoop = hadoop;
    this.dir = new Path(dir);
  }

  /** A checkpoint read back: the network as it was after {@code epoch} and the state saved with it. */
  public record Restored(int epoch, MultiLayerNetwork network, State state, MultiLayerNetwork best) {}

  /**
   * The training state beside a checkpoint's network ({@code epoch-NNNN.json}). Files written before
   * {@code format_version} existed are version 1; a newer version is not read (the checkpoint is
   * passed over, as a damaged one would be). {@code bestEpoch} is 0 when no epoch was validated.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record State(@JsonProperty("format_version") int formatVersion, @JsonProperty("epoch") int epoch,
      @JsonProperty("seed") long seed, @JsonProperty("rng") String rng, @JsonProperty("best_epoch") int bestEpoch,
      @JsonProperty("epochs") List<EpochMetrics> epochs,
      /** Of the corpus (files, sizes, modification times, rows) and the settings; null: not bound. */
      @JsonProperty("fingerprint") String fingerprint) {

    public static final int FORMAT_VERSION = 1;

    public State(int epoch, long seed, int bestEpoch, List<EpochMetrics> epochs, String fingerprint) {
      this(FORMAT_VERSION, epoch, seed, "every epoch's randomness derives from (seed, epoch)", bestEpoch, epochs,
          fingerprint);
    }

    static State read(InputStream in, Path where) throws IOException {
      return VersionedJson.read(in, State.class, FORMAT_VERSION, where.toString());
    }
  }

  public String dir() {
    return dir.toString();
  }

  /** Writes the checkpoint of {@code epoch}, then removes all but the newest {@link #KEEP}. */
  public void save(int epoch, MultiLayerNetwork network, State state) {
    String name = String.format("epoch-%04d", epoch);
    HadoopFiles.write(hadoop, new Path(dir, name + NETWORK), out -> NetworkFormat.write(network, true, out));
    HadoopFiles.writeJson(hadoop, new Path(dir, name + ".json"), state);
    List<FileStatus> all = checkpoints();
    for (FileStatus old : all.subList(Math.min(KEEP, all.size()), all.size())) {
      delete(old.getPath());
      delete(networkOf(old.getPath()));
    }
  }

  /**
   * Saves the parameters of the best epoch so far with its updater state, which a plateau that
   * goes back to it after a resume needs as the uninterrupted run has it.
   */
  public void saveBest(MultiLayerNetwork network) {
    HadoopFiles.write(hadoop, new Path(dir, BEST), out -> NetworkFormat.write(network, true, out));
  }

  /**
   * The newest checkpoint that reads whole, falling back to older ones (and saying so) when a
   * newer one is damaged, e.g. by a crash while it was written. Checkpoints written for another
   * {@code fingerprint} (the corpus or the settings changed since) are removed and none is
   * returned: the run starts from scratch, and says why. A null fingerprint accepts any.
   */
  public Optional<Restored> newestReadable(String fingerprint) {
    List<FileStatus> all = checkpoints();
    for (FileStatus json : all) {
      Path network = networkOf(json.getPath());
      try {
        FileSystem fs = fs();
        State state;
        try (InputStream in = fs.open(json.getPath())) {
          state = State.read(in, json.getPath());
        }
        if (fingerprint != null && !fingerprint.equals(state.fingerprint())) {
          LOG.warn("not resuming from the checkpoints in {}: they were written for another corpus or other settings "
              + "(fingerprint {}, now {}; the corpus files, their sizes or modification times, the row count or the "
              + "settings changed). Training starts from scratch; removing them.", dir, state.fingerprint(), fingerprint);
          removeAll();
          return Optional.empty();
        }
        MultiLayerNetwork resumed;
        try (InputStream in = fs.open(network)) {
          resumed = NetworkFormat.read(in, true, network.toString());
        }
        return Optional.of(new Restored(state.epoch(), resumed, state, best(fs)));
      } catch (IOException | RuntimeException e) {
        LOG.warn("checkpoint {} cannot be read ({}); trying an older one", json.getPath(), e.toString());
      }
    }
    return Optional.empty();
  }

  /** The best epoch's parameters; null, and said, when they cannot be read. */
  private MultiLayerNetwork best(FileSystem fs) {
    Path best = new Path(dir, BEST);
    try {
      if (!fs.exists(best)) {
        return null;
      }
      try (InputStream in = fs.open(best)) {
        return NetworkFormat.read(in, true, best.toString());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("the best epoch's parameters {} cannot be read ({}); resuming without them", best, e.toString());
      return null;
    }
  }

  private void removeAll() throws IOException {
    FileSystem fs = fs();
    for (FileStatus file : fs.listStatus(dir)) {
      fs.delete(file.getPath(), true);
    }
  }

  /** Checkpoint JSON files, newest epoch first. */
  private List<FileStatus> checkpoints() {
    try {
      FileSystem fs = fs();
      if (!fs.exists(dir)) {
        return List.of();
      }
      return Arrays.stream(fs.listStatus(dir, p -> p.getName().matches("epoch-\\d+\\.json")))
          .sorted(Comparator.comparing((FileStatus f) -> f.getPath().getName()).reversed()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
    }
  }

  private static Path networkOf(Path json) {
    return new Path(json.getParent(), json.getName().replace(".json", NETWORK));
  }

  private void delete(Path p) {
    try {
      fs().delete(p, false);
    } catch (IOException e) {
      LOG.warn("cannot remove old checkpoint {}: {}", p, e.getMessage());
    }
  }

  private FileSystem fs() throws IOException {
    return dir.getFileSystem(hadoop);
  }
}
