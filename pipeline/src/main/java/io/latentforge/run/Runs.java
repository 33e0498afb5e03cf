package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.encode.RowCounts;
import io.latentforge.publish.DateCommit;
import io.latentforge.publish.Leftovers;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.schema.CorpusKind;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Steps nightly and encode runs share. */
final class Runs {

  static final String GROUP = "latentforge";
  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

  private Runs() {}

  static String kindName(CorpusKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** There must be rows, and some of them featurized, to train on or to encode. */
  static void requireFeaturized(RowCounts counts, String input) {
    if (counts.read() == 0) {
      throw LatentforgeException.badInput("The corpus at " + input + " has no rows.",
          "check --input; it must point at a non-empty corpus.");
    }
    if (counts.accepted() == 0) {
      throw LatentforgeException.badInput("None of the " + counts.read() + " rows of " + input
              + " could be featurized; rejects by reason: " + counts.rejectsByReason() + ".",
          "check the input against the data contract in the README.");
    }
  }

  /**
   * The output root locked for this run, once any publish a killed run left half done is completed
   * and what dead runs left longer than {@code retention} ago is removed.
   */
  static OutputLock lock(Configuration hadoop, OutputLayout out, String holder, Duration retention) {
    OutputLock lock = OutputLock.acquire(hadoop, out.root(), holder);
    try {
      DateCommit.recover(hadoop, out);
      Leftovers.remove(hadoop, out, retention);
      return lock;
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  /** {@code work} staging into {@code commit}; when it fails, what it staged is kept in the run's own area. */
  static <T> T publishing(DateCommit commit, Supplier<T> work) {
    try {
      return work.get();
    } catch (Throwable e) { // Spark's exceptions are checked ones that Scala throws undeclared
      try {
        Path kept = commit.abandon();
        if (kept != null) {
          LOG.warn("run {} published nothing for {}; what it staged is kept in {}", commit.runId(), commit.runDate(),
              kept);
        }
      } catch (RuntimeException | Error keeping) {
        e.addSuppressed(keeping); // the run's own failure is what the user must see
      }
      throw e;
    }
  }
}
