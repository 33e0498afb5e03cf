package io.latentforge.encode;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.latentforge.schema.Columns;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The network's own loss (its output layer's loss function, without regularization) on rows it did
 * not train on, computed on the executors. Early stopping and the plateau schedule compare this,
 * not the squared reconstruction error: for a softmax (multinomial) decoder the two disagree, and
 * the squared error rose from the sixth epoch on a corpus whose held-out likelihood kept improving.
 */
public final class HeldOutLoss {

  private static final StructType PARTIAL = new StructType()
      .add("loss", DataTypes.DoubleType, false)
      .add("rows", DataTypes.LongType, false);

  private HeldOutLoss() {}

  /** The mean loss per row of {@code features} ({@code features} column), NaN when there are none. */
  public static double mean(SparkSession spark, Dataset<Row> features, MultiLayerNetwork network, String modelId,
      int inputSize, int batchSize) {
    Broadcast<byte[]> model = Encoder.broadcast(spark, network);
    Row total = features.select(Columns.FEATURES)
        .mapPartitions(new ScorePartition(model, modelId, inputSize, batchSize), Encoders.row(PARTIAL))
        .agg(sum(col("loss")), sum(col("rows"))).first();
    return total.isNullAt(1) || total.getLong(1) == 0 ? Double.NaN : total.getDouble(0) / total.getLong(1);
  }

  /** One row per partition: the summed loss of its rows and how many there were. */
  private record ScorePartition(Broadcast<byte[]> model, String modelId, int inputSize, int batchSize)
      implements MapPartitionsFunction<Row, Row> {

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      MultiLayerNetwork network = Encoder.network(modelId, model);
      BatchForward batch = new BatchForward(network, null, inputSize, batchSize);
      double loss = 0;
      long count = 0;
      while (rows.hasNext()) {
        batch.add((Vector) rows.next().get(0));
        if (batch.isFull() || !rows.hasNext()) {
          count += batch.rows();
          loss += score(network, batch.takeBatch());
        }
      }
      return List.of(RowFactory.create(loss, count)).iterator();
    }

    private static double score(MultiLayerNetwork network, INDArray x) {
      return network.scoreExamples(new DataSet(x, x), false).sumNumber().doubleValue();
    }
  }
}
