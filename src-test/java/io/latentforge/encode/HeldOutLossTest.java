package io.latentforge.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.ConvPlan;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.model.Autoencoder;
import io.latentforge.testing.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The held-out loss computed on the executors is the network's own loss on those rows. */
@ExtendWith(SparkSessionExtension.class)
class HeldOutLossTest {

  private static final int ROWS = 70;

  @ParameterizedTest
  @EnumSource(value = ModelSpec.Loss.class, names = {"MSE", "XENT", "MULTINOMIAL"})
  void equalsTheNetworksScoreOnTheSameRows(ModelSpec.Loss loss, SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=deep", "model.encoder-layers=[6]",
        "model.code-size=3"));
    assertEqualsNetworkScore(spark, config, loss, 10, null);
  }

  @Test
  void coversConvolutionalNetworks(SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=conv", "model.conv.channels=[2]",
        "model.conv.kernel-sizes=[4]", "model.conv.strides=[2]", "model.conv.padding=[1]", "model.code-size=3"));
    assertEqualsNetworkScore(spark, config, ModelSpec.Loss.XENT, 64, new ConvPlan.Shape(1, 8, 8));
  }

  @Test
  void coversVariationalNetworks(SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=vae", "model.vae.noise-variance=0.05",
        "model.encoder-layers=[6]", "model.code-size=3"));
    assertEqualsNetworkScore(spark, config, ModelSpec.Loss.MSE, 10, null);
  }

  @Test
  void againstATargetColumnEqualsTheNetworksScoreOnThoseTargets(SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=deep", "model.encoder-layers=[6]",
        "model.code-size=3"));
    MultiLayerNetwork network = network(config, ModelSpec.Loss.MSE, 10, null);
    double[][] x = rows(10, ModelSpec.Loss.MSE);
    double[][] y = new double[x.length][];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      // Each row's target is the next row shifted by 1: an untrained network's loss against it is far
      // from its loss against the inputs.
      y[i] = java.util.Arrays.stream(x[(i + 1) % x.length]).map(v -> v + 1).toArray();
      rows.add(RowFactory.create("r" + i, Vectors.dense(x[i]), Vectors.dense(y[i]).toSparse()));
    }
    Dataset<Row> targeted = spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType)
        .add("features", SQLDataTypes.VectorType()).add("target", SQLDataTypes.VectorType())).repartition(6);
    double distributed = HeldOutLoss.meanAgainst(spark, targeted, "target", network, "held-out-targets", 10, 4);
    INDArray inputs = Nd4j.create(x).castTo(DataType.FLOAT);
    double expected = network.score(new DataSet(inputs, Nd4j.create(y).castTo(DataType.FLOAT)), false);
    assertThat(distributed).isCloseTo(expected, within(1e-4 * expected));
    assertThat(distributed).isNotCloseTo(network.score(new DataSet(inputs, inputs), false), within(0.05 * expected));
  }

  @Test
  void isNaNWithoutRows(SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=deep", "model.encoder-layers=[6]",
        "model.code-size=3"));
    MultiLayerNetwork network = network(config, ModelSpec.Loss.MSE, 10, null);
    Dataset<Row> none = features(spark, rows(10, ModelSpec.Loss.MSE)).limit(0);
    assertThat(HeldOutLoss.mean(spark, none, network, "held-out-empty", 10, 4)).isNaN();
  }

  private static void assertEqualsNetworkScore(SparkSession spark, LatentforgeConfig config, ModelSpec.Loss loss,
      int inputSize, ConvPlan.Shape image) {
    MultiLayerNetwork network = network(config, loss, inputSize, image);
    double[][] x = rows(inputSize, loss);
    // Batches of 4 over 6 partitions: partial batches and partitions of every size are summed.
    double distributed = HeldOutLoss.mean(spark, features(spark, x), network, "held-out-" + loss, inputSize, 4);
    INDArray all = Nd4j.create(x).castTo(DataType.FLOAT);
    double expected = network.score(new DataSet(all, all), false);
    assertThat(distributed).as("held-out %s loss", loss).isCloseTo(expected, within(1e-4 * Math.abs(expected)));
    assertThat(distributed).isPositive();
  }

  private static MultiLayerNetwork network(LatentforgeConfig config, ModelSpec.Loss loss, int inputSize,
      ConvPlan.Shape image) {
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), loss, inputSize, image, config.train());
    MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration());
    network.init();
    return network;
  }

  /** Values in [0,1]; for the multinomial loss each row sums to 1, as term probabilities do. */
  private static double[][] rows(int size, ModelSpec.Loss loss) {
    Random random = new Random(11);
    double[][] x = new double[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      x[i] = random.doubles(size).toArray();
      if (loss == ModelSpec.Loss.MULTINOMIAL) {
        double sum = java.util.Arrays.stream(x[i]).sum();
        for (int j = 0; j < size; j++) {
          x[i][j] /= sum;
        }
      }
    }
    return x;
  }

  private static Dataset<Row> features(SparkSession spark, double[][] x) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      rows.add(RowFactory.create("r" + i, Vectors.dense(x[i])));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType)
        .add("features", SQLDataTypes.VectorType())).repartition(6);
  }
}
