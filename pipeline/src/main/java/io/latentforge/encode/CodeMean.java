package io.latentforge.encode;

import io.latentforge.model.CodeLayer;
import io.latentforge.schema.Columns;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The mean code of some rows, computed on the executors. */
public final class CodeMean {

  private CodeMean() {}

  /** The mean of the codes of {@code features} ({@code features} column); null when there are no rows. */
  public static double[] of(SparkSession spark, Dataset<Row> features, MultiLayerNetwork network, String modelId,
      CodeLayer code, int inputSize, int batchSize) {
    Broadcast<byte[]> model = Encoder.broadcast(spark, network);
    List<double[]> partials = features.select(Columns.FEATURES)
        .mapPartitions(new SumPartition(model, modelId, code, inputSize, batchSize), Encoders.kryo(double[].class))
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
    if (total == null || total[total.length - 1] == 0) {
      return null;
    }
    double rows = total[total.length - 1];
    double[] mean = new double[total.length - 1];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = total[i] / rows;
    }
    return mean;
  }

  /** One array per non-empty partition: the summed codes of its rows, then how many there were. */
  private record SumPartition(Broadcast<byte[]> model, String modelId, CodeLayer code, int inputSize, int batchSize)
      implements MapPartitionsFunction<Row, double[]> {

    @Override
    public Iterator<double[]> call(Iterator<Row> rows) {
      if (!rows.hasNext()) {
        return List.<double[]>of().iterator();
      }
      MultiLayerNetwork network = Encoder.network(modelId, model);
      BatchForward batch = new BatchForward(network, code, inputSize, batchSize);
      double[] sum = null;
      while (rows.hasNext()) {
        batch.add((Vector) rows.next().get(0));
        if (batch.isFull() || !rows.hasNext()) {
          int n = batch.rows();
          // Only the encoder's half runs: the mean needs no reconstruction.
          INDArray codes = network.feedForwardToLayer(code.index(), batch.takeBatch(), false).get(code.index() + 1);
          double[] columnSums = codes.castTo(DataType.DOUBLE).sum(0).toDoubleVector();
          if (sum == null) {
            sum = new double[columnSums.length + 1];
          }
          for (int i = 0; i < columnSums.length; i++) {
            sum[i] += columnSums[i];
          }
          sum[columnSums.length] += n;
        }
      }
      return List.of(sum).iterator();
    }
  }
}
