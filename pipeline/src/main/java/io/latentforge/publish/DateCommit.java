package io.latentforge.publish;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.FaultHook;
import io.latentforge.LatentforgeException;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.schema.Columns;
import io.latentforge.schema.VersionedJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one run publishes under an output root, made visible as one unit: the model
 * directory, each table's partition of the date, and the date's report directory (with
 * {@code metrics.json}). Each is first written under its parent's {@code _staging/}, where readers
 * do not look. {@link #commit} then writes an intent record listing every swap
 * ({@code OUT/_commits/<run>.json}, the commit point), performs the swaps (the model first, so no
 * table ever names a model that is not there; the report last), and removes the intent.
 *
 * <p>A run that dies before the intent leaves only staging, which {@link Leftovers} removes after
 * {@code publish.retention}. One that dies after it is rolled forward by {@link #recover}, which
 * every run calls under the lock before anything else, whatever its date: every swap is
 * idempotent, so the date ends with all of the new run's tables. A run that fails before its
 * commit point moves what it staged to its own area, {@code OUT/_runs/run_date=D/<run>/} (see
 * {@link #abandon}), and the date's published tables stay as they were.
 */
public final class DateCommit {

  public static final String STAGING = "_staging";
  public static final String TRASH = "_trash";
  static final String COMMITS = "_commits";
  static final String RUNS = "_runs";
  static final String AUDIT = "_audit";
  /** In an audited run's directory: the swaps that publish it. */
  static final String AUDIT_RECORD = "audit.json";
  private static final Logger LOG = LoggerFactory.getLogger(DateCommit.class);

  private final Configuration hadoop;
  private final OutputLayout out;
  private final String runDate;
  private final String runId;
  private final Runnable fence;
  /** By target; committed in {@link #order}. */
  private final Map<Path, Swap> swaps = new LinkedHashMap<>();
  /** Staged paths that are not the run's to move away when it publishes nothing (see {@link #moveAtCommit}). */
  private final Set<String> borrowed = new HashSet<>();
  private boolean finished;

  /**
   * @param runId unique to the run and sortable by its start (see {@link OutputLock#runId})
   * @param fence run before the commit point; throws when the run may no longer publish (the lock's check)
   */
  public DateCommit(Configuration hadoop, OutputLayout out, String runDate, String runId, Runnable fence) {
    this.hadoop = hadoop;
    this.out = out;
    this.runDate = runDate;
    this.runId = runId;
    this.fence = fence;
  }

  /**
   * One rename of the commit: {@code staged} (null to remove the target) in place of {@code target},
   * which is first moved {@code aside}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Swap(@JsonProperty("target") String target, @JsonProperty("staged") String staged,
      @JsonProperty("aside") String aside) {}

  /** The intent record: the commit point of a run. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Intent(@JsonProperty("format_version") int formatVersion, @JsonProperty("run_id") String runId,
      @JsonProperty("run_date") String runDate, @JsonProperty("created") String created,
      @JsonProperty("swaps") List<Swap> swaps) {

    static final int FORMAT_VERSION = 1;

    static Intent read(InputStream in, String where) throws IOException {
      return VersionedJson.read(in, Intent.class, FORMAT_VERSION, where);
    }
  }

  public String runDate() {
    return runDate;
  }

  public String runId() {
    return runId;
  }

  public OutputLayout layout() {
    return out;
  }

  /** {@code table/run_date=D}, the partition of the date. */
  public Path partition(String table) {
    return new Path(table, Columns.RUN_DATE + "=" + runDate);
  }

  /** A fresh staging directory for the date's partition of {@code table}, swapped in by the commit. */
  public Path stagePartition(String table) {
    return stage(partition(table));
  }

  /** A fresh staging directory for {@code target}, beside it under {@code _staging/}. */
  public Path stage(Path target) {
    Path staged = new Path(new Path(target.getParent(), STAGING), target.getName() + "-" + runId);
    adopt(target, staged);
    return staged;
  }

  /** {@code staged}, written elsewhere by this run, goes in place of {@code target} at the commit. */
  public void adopt(Path target, Path staged) {
    discardStaged(target);
    swaps.put(target, new Swap(target.toString(), staged.toString(), aside(target).toString()));
  }

  /**
   * The commit moves {@code from}, which outlives a failed run (e.g. its checkpoints, which a rerun
   * resumes from), to {@code to}; a run that publishes nothing leaves it where it is.
   */
  public void moveAtCommit(Path from, Path to) {
    adopt(to, from);
    borrowed.add(from.toString());
  }

  /** The commit removes {@code target} (e.g. a date's rejects when a rerun has none). */
  public void remove(Path target) {
    discardStaged(target);
    swaps.put(target, new Swap(target.toString(), null, aside(target).toString()));
  }

  /** Forgets {@code target}: what was staged for it is removed and the commit leaves it as it is. */
  public void drop(Path target) {
    discardStaged(target);
    swaps.remove(target);
  }

  /**
   * What this run has staged for {@code target} (null when it stages nothing there): the steps of a
   * run read the codes it has not yet committed.
   */
  public Path staged(Path target) {
    Swap swap = swaps.get(target);
    return swap == null || swap.staged() == null ? null : new Path(swap.staged());
  }

  /** The date's report directory ({@code metrics.json}, the report), staged, starting from the published one. */
  public Path report(boolean keepPublished) {
    Path target = new Path(out.report(runDate));
    Path staged = staged(target);
    if (staged != null) {
      return staged;
    }
    staged = stage(target);
    try {
      FileSystem fs = staged.getFileSystem(hadoop);
      if (keepPublished && fs.exists(target)) {
        org.apache.hadoop.fs.FileUtil.copy(fs, target, fs, staged, false, hadoop);
      } else {
        fs.mkdirs(staged);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the report of " + runDate + " under " + staged, e);
    }
    return staged;
  }

  /**
   * A directory for files of this run that are not themselves published (e.g. the encoding tasks'
   * tables, some of which it then stages with {@link #adopt}), under the code table's
   * {@code _staging/}; remove it with {@link #deleteWorkDir} when the run ends.
   */
  public Path workDir(String name) {
    return new Path(new Path(out.codes(), STAGING), name + "-" + runId);
  }

  public void deleteWorkDir(Path dir) {
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      fs.delete(dir, true);
      deleteIfEmpty(fs, dir.getParent());
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  /** Where a run that does not publish keeps what it staged: {@code OUT/_runs/run_date=D/<run>}. */
  public Path runArea() {
    return new Path(new Path(new Path(out.root(), RUNS), Columns.RUN_DATE + "=" + runDate), runId);
  }

  /**
   * Makes every staged swap visible, model first and report last: writes the intent (the commit
   * point), renames, removes what was replaced, then the intent.
   */
  public void commit() {
    fence.run();
    List<Swap> ordered = order();
    try {
      FileSystem fs = new Path(out.root()).getFileSystem(hadoop);
      for (Swap swap : ordered) {
        if (swap.staged() != null && !fs.exists(new Path(swap.staged()))) {
          throw new IOException("staged " + swap.staged() + " is missing");
        }
      }
      Path intent = new Path(new Path(out.root(), COMMITS), runId + ".json");
      HadoopFiles.writeJson(hadoop, intent, new Intent(Intent.FORMAT_VERSION, runId, runDate, Instant.now().toString(),
          ordered));
      FaultHook.reached("commit:intent-written");
      roll(fs, ordered, intent);
      finished = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish the outputs of " + runDate + ": " + e.getMessage(), e);
    }
  }

  private List<Swap> order() {
    List<Swap> ordered = new ArrayList<>(swaps.values());
    ordered.sort(Comparator.comparingInt(s -> rank(new Path(s.target()))));
    return ordered;
  }

  private int rank(Path target) {
    String parent = target.getParent().toString();
    return parent.equals(new Path(out.models()).toString()) ? 0
        : parent.equals(new Path(out.report(runDate)).getParent().toString()) ? 2 : 1;
  }

  /** Performs every swap of an intent (each idempotent), removes what was replaced, then the intent. */
  private static void roll(FileSystem fs, List<Swap> swaps, Path intent) throws IOException {
    for (Swap swap : swaps) {
      apply(fs, swap);
      FaultHook.reached("commit:swapped " + new Path(swap.target()).getParent().getName());
    }
    for (Swap swap : swaps) {
      fs.delete(new Path(swap.aside()), true);
      deleteIfEmpty(fs, new Path(swap.aside()).getParent());
      if (swap.staged() != null) {
        deleteIfEmpty(fs, new Path(swap.staged()).getParent());
      }
    }
    FaultHook.reached("commit:replaced-removed");
    fs.delete(intent, false);
    deleteIfEmpty(fs, intent.getParent());
  }

  private static void apply(FileSystem fs, Swap swap) throws IOException {
    Path target = new Path(swap.target());
    Path aside = new Path(swap.aside());
    if (swap.staged() != null && !fs.exists(new Path(swap.staged()))) {
      return;
    }
    if (fs.exists(target)) {
      fs.mkdirs(aside.getParent());
      if (!fs.rename(target, aside)) {
        throw new IOException("cannot move " + target + " aside to " + aside);
      }
    }
    if (swap.staged() != null) {
      fs.mkdirs(target.getParent());
      if (!fs.rename(new Path(swap.staged()), target)) {
        throw new IOException("cannot rename " + swap.staged() + " to " + target);
      }
    }
  }

  /**
   * A run that will not publish keeps what it staged in {@link #runArea}, one directory per table
   * (named as the table's directory), for whoever looks into why; {@link Leftovers} removes it after
   * {@code publish.retention}. Returns the area, or null when nothing was staged.
   */
  public Path abandon() {
    if (finished) {
      return null;
    }
    finished = true;
    Path area = runArea();
    boolean kept = false;
    for (Swap swap : swaps.values()) {
      if (swap.staged() == null || borrowed.contains(swap.staged())) {
        continue;
      }
      Path staged = new Path(swap.staged());
      try {
        FileSystem fs = staged.getFileSystem(hadoop);
        if (fs.exists(staged)) {
          fs.mkdirs(area);
          kept |= fs.rename(staged, new Path(area, new Path(swap.target()).getParent().getName()));
          deleteIfEmpty(fs, staged.getParent());
          deleteIfEmpty(fs, new Path(swap.target()).getParent());
        }
      } catch (IOException e) {
        LOG.warn("could not keep {} in {}: {}", staged, area, e.toString());
      }
    }
    swaps.clear();
    return kept ? area : null;
  }

  /**
   * A run stopped by a publish gate keeps everything it staged (not what it borrowed) in
   * {@code OUT/_audit/run_date=D/<run>/}, with the swaps that would have published it
   * ({@code audit.json}), for {@link #adoptAudited} to publish once a person has looked. Returns
   * that directory.
   */
  public Path audit() {
    fence.run();
    finished = true;
    Path area = auditArea(out, runDate, runId);
    List<Swap> audited = new ArrayList<>();
    try {
      FileSystem fs = area.getFileSystem(hadoop);
      fs.mkdirs(area);
      for (Swap swap : order()) {
        if (swap.staged() == null) {
          audited.add(swap);
          continue;
        }
        if (borrowed.contains(swap.staged())) {
          continue;
        }
        Path staged = new Path(swap.staged());
        Path kept = new Path(area, new Path(swap.target()).getParent().getName());
        if (!fs.rename(staged, kept)) {
          throw new IOException("cannot move " + staged + " to " + kept);
        }
        deleteIfEmpty(fs, staged.getParent());
        deleteIfEmpty(fs, new Path(swap.target()).getParent());
        audited.add(new Swap(swap.target(), kept.toString(), null));
      }
      HadoopFiles.writeJson(hadoop, new Path(area, AUDIT_RECORD), new Intent(Intent.FORMAT_VERSION, runId, runDate,
          Instant.now().toString(), audited));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the run " + runId + " for review in " + area + ": " + e.getMessage(),
          e);
    }
    swaps.clear();
    return area;
  }

  /** {@code OUT/_audit/run_date=D/<run>}. */
  public static Path auditArea(OutputLayout out, String runDate, String runId) {
    return new Path(new Path(new Path(out.root(), AUDIT), Columns.RUN_DATE + "=" + runDate), runId);
  }

  /**
   * The audited runs of {@code runDate}, oldest first (by run id).
   */
  public static List<Path> audited(Configuration hadoop, OutputLayout out, String runDate) {
    Path dir = auditArea(out, runDate, "x").getParent();
    List<Path> runs = new ArrayList<>();
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      if (fs.exists(dir)) {
        for (FileStatus run : fs.listStatus(dir)) {
          if (fs.exists(new Path(run.getPath(), AUDIT_RECORD))) {
            runs.add(run.getPath());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the audited runs in " + dir, e);
    }
    runs.sort(Comparator.comparing(Path::getName));
    return runs;
  }

  /**
   * Takes over the swaps of an audited run ({@link #audit}) of this date: the commit then publishes
   * what it kept, as its own run would have. Returns the audited run's id.
   */
  public String adoptAudited(Path area) {
    Intent record = HadoopFiles.readIfExists(hadoop, new Path(area, AUDIT_RECORD), Intent::read);
    if (record == null || !record.runDate().equals(runDate)) {
      throw LatentforgeException.usage("No audited run of " + runDate + " in " + area + ".",
          "pass the run date of a run a gate stopped (see OUT/" + AUDIT + "/).");
    }
    for (Swap swap : record.swaps()) {
      if (swap.staged() == null) {
        remove(new Path(swap.target()));
      } else {
        adopt(new Path(swap.target()), new Path(swap.staged()));
      }
    }
    return record.runId();
  }

  /** Removes an audited run's directory (once published), and the audit area when that empties it. */
  public static void discardAudited(Configuration hadoop, Path area) {
    try {
      FileSystem fs = area.getFileSystem(hadoop);
      fs.delete(area, true);
      deleteIfEmpty(fs, area.getParent());
      deleteIfEmpty(fs, area.getParent().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("published, but cannot remove " + area, e);
    }
  }

  private void discardStaged(Path target) {
    Path staged = staged(target);
    if (staged != null && !borrowed.contains(staged.toString())) {
      try {
        FileSystem fs = staged.getFileSystem(hadoop);
        fs.delete(staged, true);
        deleteIfEmpty(fs, staged.getParent());
        deleteIfEmpty(fs, target.getParent());
      } catch (IOException e) {
        LOG.warn("could not remove {}: {}", staged, e.toString());
      }
    }
  }

  private Path aside(Path target) {
    return new Path(new Path(target.getParent(), TRASH), target.getName() + "-" + runId);
  }

  /**
   * Rolls forward every commit whose intent was written but whose swaps may not all have been made
   * (a run killed during its commit), oldest first. Call under the output root's lock, before
   * reading or publishing anything.
   */
  public static void recover(Configuration hadoop, OutputLayout out) {
    Path dir = new Path(out.root(), COMMITS);
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      if (!fs.exists(dir)) {
        return;
      }
      FileStatus[] intents = fs.listStatus(dir, p -> p.getName().endsWith(".json") && !p.getName().startsWith("."));
      Arrays.sort(intents, Comparator.comparing(s -> s.getPath().getName()));
      for (FileStatus file : intents) {
        Intent intent = HadoopFiles.readIfExists(hadoop, file.getPath(), Intent::read);
        LOG.warn("run {} stopped while publishing {}; completing its publish ({} swaps) before this run",
            intent.runId(), intent.runDate(), intent.swaps().size());
        roll(fs, intent.swaps(), file.getPath());
      }
    } catch (IOException e) {
      throw LatentforgeException.internal("Cannot complete the interrupted publish recorded under " + dir + ": "
          + e.getMessage() + ". Until it is completed, the dates it names may show tables of two runs.", e);
    }
  }

  private static void deleteIfEmpty(FileSystem fs, Path dir) throws IOException {
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }
}
