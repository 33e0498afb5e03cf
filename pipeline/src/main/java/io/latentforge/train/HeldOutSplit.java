package io.latentforge.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.config.TrainSettings;
import io.latentforge.schema.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one place a run's rows are split into training rows and held-out (validation) rows. The
 * split is by a hash of each row's id with the seed, not by sampling, so the trainer, the PCA
 * start, the neighbourhood targets and evaluation all see the same held-out rows, in any order
 * and on any number of partitions.
 */
public final class HeldOutSplit {
  private static final long BUCKETS = 10_000;

  private HeldOutSplit() {}

  /** Rows whose id hashes (with {@code seed}) into the first {@code fraction} of buckets. */
  public static Column heldOut(double fraction, long seed) {
    long threshold = Math.round(fraction * BUCKETS);
    return pmod(xxhash64(col(Columns.ID), lit(seed)), lit(BUCKETS)).lt(threshold);
  }

  /** True for a validation row; false for every row when training holds none out. */
  static Column isValidation(TrainSettings settings) {
    return settings.stopping().validates()
        ? heldOut(settings.stopping().validationFraction(), settings.seed()) : lit(false);
  }

  /** {@code rows} without the validation rows: what training, PCA and the targets use. */
  static Dataset<Row> training(Dataset<Row> rows, TrainSettings settings) {
    return settings.stopping().validates() ? rows.where(not(isValidation(settings))) : rows;
  }

  /** The validation rows of {@code rows}, or null when training holds none out. */
  static Dataset<Row> validation(Dataset<Row> rows, TrainSettings settings) {
    return settings.stopping().validates() ? rows.where(isValidation(settings)) : null;
  }
}
