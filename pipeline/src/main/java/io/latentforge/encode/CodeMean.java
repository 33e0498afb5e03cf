package io.latentforge.encode;

import io.latentforge.model.CodeLayer;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/** The mean code of some rows, computed on the executors. */
public final class CodeMean {

  private CodeMean() {}

  /** The mean of the codes of {@code features} ({@code features} column); null when there are no rows. */
  public static double[] of(SparkSession spark, Dataset<Row> features, MultiLayerNetwork network, String modelId,
      CodeLayer code, int inputSize, int batchSize) {
    int layer = code.index();
    // Only the encoder's half runs: the mean needs no reconstruction.
    double[] total = BatchSums.of(spark, features, network, modelId, inputSize, batchSize,
        (net, x, y) -> net.feedForwardToLayer(layer, x, false).get(layer + 1).castTo(DataType.DOUBLE).sum(0)
            .toDoubleVector());
    if (total == null) {
      return null;
    }
    double rows = total[total.length - 1];
    return Arrays.stream(total, 0, total.length - 1).map(s -> s / rows).toArray();
  }
}
