package io.latentforge.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs that died or failed left under an output root, where readers never look: staged and
 * replaced directories ({@code _staging/}, {@code _trash/} of every table, of the models and the
 * reports), checkpoints and scratch files of model ids that never published ({@code _checkpoints/},
 * {@code _scratch/}), failed runs' own areas ({@code _runs/}) and runs a publish gate stopped that
 * were not promoted ({@code _audit/}). Each entry untouched for longer
 * than {@code publish.retention} is removed, and logged, by the next run, under the lock (so no
 * live run owns it). Younger ones stay: a rerun resumes from its checkpoints, and an operator can
 * look into a failed run's rejects and metrics.
 */
public final class Leftovers {

  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /** Removes the leftovers older than {@code retention}; returns what was removed. */
  public static List<Path> remove(Configuration hadoop, OutputLayout out, Duration retention) {
    long before = System.currentTimeMillis() - retention.toMillis();
    List<Path> removed = new ArrayList<>();
    try {
      FileSystem fs = new Path(out.root()).getFileSystem(hadoop);
      for (Path holder : holders(fs, out)) {
        for (FileStatus entry : list(fs, holder)) {
          if (entry.getModificationTime() < before && fs.delete(entry.getPath(), true)) {
            LOG.info("removed {}, left by a run that did not finish (untouched for more than publish.retention = {})",
                entry.getPath(), retention);
            removed.add(entry.getPath());
          }
        }
        if (fs.exists(holder) && fs.listStatus(holder).length == 0) {
          fs.delete(holder, false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the leftovers of earlier runs under " + out.root(), e);
    }
    return removed;
  }

  /** The directories whose entries are leftovers. */
  private static List<Path> holders(FileSystem fs, OutputLayout out) throws IOException {
    List<Path> holders = new ArrayList<>();
    for (String dir : List.of(out.codes(), out.rejects(), out.neighbors(), out.indexes(), out.clusters(),
        out.clusterCenters(), out.models(), out.reports())) {
      holders.add(new Path(dir, DateCommit.STAGING));
      holders.add(new Path(dir, DateCommit.TRASH));
    }
    holders.add(new Path(out.checkpoints()));
    holders.add(new Path(out.scratch()));
    for (String areas : List.of(DateCommit.RUNS, DateCommit.AUDIT)) {
      for (FileStatus date : list(fs, new Path(out.root(), areas))) {
        holders.add(date.getPath());
      }
      holders.add(new Path(out.root(), areas));
    }
    return holders;
  }

  private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
    return fs.exists(dir) ? fs.listStatus(dir) : new FileStatus[0];
  }
}
