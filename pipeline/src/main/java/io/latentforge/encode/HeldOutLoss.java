package io.latentforge.encode;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The network's own loss (its output layer's loss function, without regularization) on rows it did
 * not train on, computed on the executors. Early stopping and the plateau schedule compare this,
 * not the squared reconstruction error: for a softmax (multinomial) decoder the two disagree, and
 * the squared error rose from the sixth epoch on a corpus whose held-out likelihood kept improving.
 */
public final class HeldOutLoss {

  private HeldOutLoss() {}

  /** The mean loss per row of {@code features} ({@code features} column), NaN when there are none. */
  public static double mean(SparkSession spark, Dataset<Row> features, MultiLayerNetwork network, String modelId,
      int inputSize, int batchSize) {
    return meanAgainst(spark, features, null, network, modelId, inputSize, batchSize);
  }

  /**
   * The mean loss per row of reconstructing each row's {@code target} column from its features
   * (the features themselves when {@code target} is null), NaN when there are no rows.
   */
  public static double meanAgainst(SparkSession spark, Dataset<Row> rows, String target, MultiLayerNetwork network,
      String modelId, int inputSize, int batchSize) {
    double[] total = BatchSums.of(spark, rows, target, network, modelId, inputSize, batchSize,
        (net, x, y) -> new double[] {net.scoreExamples(new DataSet(x, y), false).sumNumber().doubleValue()});
    return total == null ? Double.NaN : total[0] / total[1];
  }
}
