package io.latentforge.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.model.EpochMetrics;
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
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints on any Hadoop file system: {@code epoch-NNNN.zip} (parameters and updater
 * state) with {@code epoch-NNNN.json} (the epoch and the training state beside it), each written
 * to a temporary file and renamed into place, the JSON last so a checkpoint counts only once it is
 * whole. The newest {@link #KEEP} are kept. {@code best.zip} holds the parameters of the epoch with
 * the best validation error so far.
 */
public final class Checkpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  public static final int KEEP = 2;
  private static final String BEST = "best.zip";

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
      @JsonProperty("epochs") List<EpochMetrics> epochs) {

    public static final int FORMAT_VERSION = 1;

    public State(int epoch, long seed, int bestEpoch, List<EpochMetrics> epochs) {
      this(FORMAT_VERSION, epoch, seed, "every epoch's randomness derives from (seed, epoch)", bestEpoch, epochs);
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
    HadoopFiles.write(hadoop, new Path(dir, name + ".zip"), out -> ModelSerializer.writeModel(network, out, true));
    HadoopFiles.writeJson(hadoop, new Path(dir, name + ".json"), state);
    List<FileStatus> all = checkpoints();
    for (FileStatus old : all.subList(Math.min(KEEP, all.size()), all.size())) {
      delete(old.getPath());
      delete(zipOf(old.getPath()));
    }
  }

  /** Saves the parameters of the best epoch so far (no updater state: only ever restored as the result). */
  public void saveBest(MultiLayerNetwork network) {
    HadoopFiles.write(hadoop, new Path(dir, BEST), out -> ModelSerializer.writeModel(network, out, false));
  }

  /**
   * The newest checkpoint that reads whole, falling back to older ones (and saying so) when a
   * newer one is damaged, e.g. by a crash while it was written.
   */
  public Optional<Restored> newestReadable() {
    for (FileStatus json : checkpoints()) {
      Path zip = zipOf(json.getPath());
      try {
        FileSystem fs = fs();
        State state;
        try (InputStream in = fs.open(json.getPath())) {
          state = State.read(in, json.getPath());
        }
        MultiLayerNetwork network;
        try (InputStream in = fs.open(zip)) {
          network = ModelSerializer.restoreMultiLayerNetwork(in, true);
        }
        MultiLayerNetwork best = null;
        if (fs.exists(new Path(dir, BEST))) {
          try (InputStream in = fs.open(new Path(dir, BEST))) {
            best = ModelSerializer.restoreMultiLayerNetwork(in, false);
          }
        }
        return Optional.of(new Restored(state.epoch(), network, state, best));
      } catch (IOException | RuntimeException e) {
        LOG.warn("checkpoint {} cannot be read ({}); trying an older one", zip, e.toString());
      }
    }
    return Optional.empty();
  }

  /** Moves the checkpoints under {@code modelDir}/checkpoints, where the published model keeps them. */
  public void moveInto(String modelDir) {
    try {
      FileSystem fs = fs();
      if (fs.exists(dir) && !fs.rename(dir, new Path(modelDir, "checkpoints"))) {
        throw new IOException("rename failed");
      }
      Path parent = dir.getParent();
      if (fs.exists(parent) && fs.listStatus(parent).length == 0) {
        fs.delete(parent, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move checkpoints " + dir + " into " + modelDir, e);
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

  private static Path zipOf(Path json) {
    return new Path(json.getParent(), json.getName().replace(".json", ".zip"));
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
