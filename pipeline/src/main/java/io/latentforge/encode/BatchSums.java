package io.latentforge.encode;

import io.latentforge.schema.Columns;
import java.io.Serializable;
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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sums of something a network computes on batches of rows, added up over the rows on the executors:
 * the statistics of a trained network (its held-out loss, its mean code) that the driver needs.
 */
final class BatchSums {

  /** What one batch of rows contributes: sums of the same length for every batch. */
  interface PerBatch extends Serializable {
    /** {@code targets} are the rows' target column, or {@code inputs} themselves when they have none. */
    double[] sums(MultiLayerNetwork network, INDArray inputs, INDArray targets);
  }

  private BatchSums() {}

  /**
   * The totals over the rows of {@code features} ({@code features} column), then the number of
   * rows as the last element; null when there are no rows.
   */
  static double[] of(SparkSession spark, Dataset<Row> features, MultiLayerNetwork network, String modelId,
      int inputSize, int batchSize, PerBatch perBatch) {
    return of(spark, features, null, network, modelId, inputSize, batchSize, perBatch);
  }

  /** As {@link #of}, with each batch's targets read from the column {@code target} (null: the inputs). */
  static double[] of(SparkSession spark, Dataset<Row> rows, String target, MultiLayerNetwork network, String modelId,
      int inputSize, int batchSize, PerBatch perBatch) {
    Broadcast<byte[]> model = Encoder.broadcast(spark, network);
    Dataset<Row> columns = target == null ? rows.select(Columns.FEATURES) : rows.select(Columns.FEATURES, target);
    List<double[]> partials = columns
        .mapPartitions(new SumPartition(model, modelId, inputSize, batchSize, perBatch), Encoders.kryo(double[].class))
        .collectAsList();
    double[] total = null;
    for (double[] p : partials) {
      if (total == null) {
        total = p.clone();
      } else {
        for (int i = 0; i < p.length; i++) {
          total[i] += p[i];
        }
      }
    }
    return total == null || total[total.length - 1] == 0 ? null : total;
  }

  /**
   * One array per non-empty partition: its rows' sums, then how many rows there were. A second
   * column, when there is one, holds the targets.
   */
  private record SumPartition(Broadcast<byte[]> model, String modelId, int inputSize, int batchSize,
      PerBatch perBatch) implements MapPartitionsFunction<Row, double[]> {

    @Override
    public Iterator<double[]> call(Iterator<Row> rows) {
      if (!rows.hasNext()) {
        return List.<double[]>of().iterator();
      }
      MultiLayerNetwork network = Encoder.network(modelId, model);
      BatchForward batch = new BatchForward(network, null, inputSize, batchSize);
      BatchForward targets = null;
      double[] sum = null;
      while (rows.hasNext()) {
        Row row = rows.next();
        batch.add((Vector) row.get(0));
        if (row.size() > 1) {
          targets = targets == null ? new BatchForward(network, null, inputSize, batchSize) : targets;
          targets.add((Vector) row.get(1));
        }
        if (batch.isFull() || !rows.hasNext()) {
          int n = batch.rows();
          INDArray inputs = batch.takeBatch();
          double[] sums = perBatch.sums(network, inputs, targets == null ? inputs : targets.takeBatch());
          if (sum == null) {
            sum = new double[sums.length + 1];
          }
          for (int i = 0; i < sums.length; i++) {
            sum[i] += sums[i];
          }
          sum[sums.length] += n;
        }
      }
      return List.of(sum).iterator();
    }
  }
}
