package io.latentforge.encode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
    double[] total = BatchSums.of(spark, features, network, modelId, inputSize, batchSize,
        (net, x) -> new double[] {net.scoreExamples(new DataSet(x, x), false).sumNumber().doubleValue()});
    return total == null ? Double.NaN : total[0] / total[1];
  }

  /** The mean loss per row of reconstructing each row's second column (its target) from its first. */
  public static double meanAgainst(SparkSession spark, Dataset<Row> rowsWithTargets, MultiLayerNetwork network,
      String modelId, int inputSize, int batchSize) {
    Broadcast<byte[]> model = Encoder.broadcast(spark, network);
    double[] total = {0, 0};
    for (double[] p : rowsWithTargets.mapPartitions(new TargetLoss(model, modelId, inputSize, batchSize),
        Encoders.kryo(double[].class)).collectAsList()) {
      total[0] += p[0];
      total[1] += p[1];
    }
    return total[1] == 0 ? Double.NaN : total[0] / total[1];
  }

  /** A partition's summed loss and row count. */
  private record TargetLoss(Broadcast<byte[]> model, String modelId, int inputSize, int batchSize)
      implements MapPartitionsFunction<Row, double[]> {

    @Override
    public Iterator<double[]> call(Iterator<Row> rows) {
      MultiLayerNetwork network = rows.hasNext() ? Encoder.network(modelId, model) : null;
      double[] sum = {0, 0};
      List<Vector> x = new ArrayList<>(batchSize);
      List<Vector> y = new ArrayList<>(batchSize);
      while (rows.hasNext()) {
        Row r = rows.next();
        x.add((Vector) r.get(0));
        y.add((Vector) r.get(1));
        if (x.size() == batchSize || !rows.hasNext()) {
          DataSet batch = new DataSet(Features.toMatrix(x, inputSize), Features.toMatrix(y, inputSize));
          sum[0] += network.scoreExamples(batch, false).sumNumber().doubleValue();
          sum[1] += x.size();
          x.clear();
          y.clear();
        }
      }
      return List.of(sum).iterator();
    }
  }
}
