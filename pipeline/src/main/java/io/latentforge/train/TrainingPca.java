package io.latentforge.train;

import io.latentforge.Stage;
import io.latentforge.config.TrainSettings;
import io.latentforge.schema.Columns;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * MLlib PCA of the training rows (without the validation rows, which evaluation scores and must
 * stay unseen), fitted once, when first needed, for everything a run takes from it: the PCA start
 * of the weights and the coordinates neighbourhood targets are found in. MLlib computes the whole
 * covariance (features^2) whatever the number of components, 30-35 s on 2,000 terms of 50,000
 * documents, and its leading components are the same at any number, so one fit at the widest
 * size serves both.
 */
public final class TrainingPca {

  /** The principal coordinates of a row, in {@link #model()}'s output. */
  static final String COORDINATES = "_pc";

  private final SparkSession spark;
  private final Dataset<Row> rows;
  private final int components;
  private final TrainSettings settings;
  private PCAModel model;

  /** PCA of {@code rows} ({@link Columns#ID}, {@link Columns#FEATURES}) at {@code components} components. */
  public TrainingPca(SparkSession spark, Dataset<Row> rows, int components, TrainSettings settings) {
    this.spark = spark;
    this.rows = rows;
    this.components = components;
    this.settings = settings;
  }

  SparkSession spark() {
    return spark;
  }

  /** Every row, the validation rows included. */
  Dataset<Row> rows() {
    return rows;
  }

  TrainSettings settings() {
    return settings;
  }

  int components() {
    return components;
  }

  PCAModel model() {
    if (model == null) {
      model = Stage.run(spark, SparkTrainer.GROUP, "PCA of the training rows (" + components + " components)",
          () -> new PCA().setK(components).setInputCol(Columns.FEATURES).setOutputCol(COORDINATES)
              .fit(HeldOutSplit.training(rows, settings).select(Columns.FEATURES)));
    }
    return model;
  }
}
