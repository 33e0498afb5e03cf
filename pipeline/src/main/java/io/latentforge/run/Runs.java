package io.latentforge.run;

import static org.apache.spark.sql.functions.col;

import io.latentforge.LatentforgeException;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Steps nightly and encode runs share. */
final class Runs {

  static final String GROUP = "latentforge";

  private Runs() {}

  static String kindName(CorpusKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** There must be rows, and some of them featurized, to train on or to encode. */
  static void requireFeaturized(RunCounts counts, String input) {
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

  /** Sum over features of the population variance: the mean squared error of predicting the mean input. */
  static double meanInputBaseline(Dataset<Row> features, long rows) {
    Row r = features.select(Summarizer.variance(col(Columns.FEATURES))).first();
    double sampleVarianceSum = 0;
    for (double v : ((Vector) r.get(0)).toArray()) {
      sampleVarianceSum += v;
    }
    return rows > 1 ? sampleVarianceSum * (rows - 1) / rows : 0;
  }
}
