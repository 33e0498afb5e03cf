package io.latentforge.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@ExtendWith(SparkSessionExtension.class)
class EncoderTest {

  @Test
  void codesAndErrorsMatchTheNetworkRowByRowAndTheModelIsLoadedOncePerJvm(SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.encoder-layers=[6]", "model.code-size=3"));
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, 10, null,
        config.train());
    MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration());
    network.init();
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      double[] x = random.doubles(10).toArray();
      rows.add(RowFactory.create("r" + i, Vectors.dense(x), i % 3));
    }
    Dataset<Row> features = spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType)
        .add("features", SQLDataTypes.VectorType()).add("label", DataTypes.IntegerType)).repartition(6);

    int loadsBefore = Encoder.loadsInThisJvm();
    // A batch size that leaves partial batches, so batching and slicing are exercised.
    List<Row> encoded = Encoder.encode(spark, features, network, "encoder-test-model", architecture.code(), 10, 4).collectAsList();
    assertThat(Encoder.loadsInThisJvm() - loadsBefore).isEqualTo(1);
    assertThat(encoded).hasSize(70);

    for (Row r : encoded) {
      int i = Integer.parseInt(r.getString(0).substring(1));
      double[] x = ((org.apache.spark.ml.linalg.Vector) rows.get(i).get(1)).toArray();
      INDArray input = Nd4j.create(new double[][] {x}).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
      List<INDArray> activations = network.feedForward(input, false);
      float[] code = activations.get(2).toFloatVector();
      List<Float> published = r.getList(1);
      for (int k = 0; k < 3; k++) {
        assertThat(published.get(k)).isCloseTo(code[k], within(1e-5f));
      }
      INDArray diff = activations.get(activations.size() - 1).sub(input);
      assertThat(r.getFloat(3)).isCloseTo(diff.mul(diff).sumNumber().floatValue(), within(1e-4f));
      assertThat(r.getString(2)).isEqualTo("encoder-test-model");
      assertThat(r.getInt(4)).isEqualTo(i % 3);
    }
  }

  /** A date rerun in the same JVM keeps its model id but has new weights: those must be used. */
  @Test
  void aRetrainedModelUnderTheSameIdIsNotServedFromTheCache(SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.encoder-layers=[6]", "model.code-size=3"));
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, 10, null,
        config.train());
    Dataset<Row> features = spark.createDataFrame(List.of(RowFactory.create("r", Vectors.dense(new Random(1).doubles(10).toArray()))),
        new StructType().add("id", DataTypes.StringType).add("features", SQLDataTypes.VectorType()));
    MultiLayerNetwork first = new MultiLayerNetwork(architecture.configuration());
    first.init();
    MultiLayerNetwork retrained = first.clone();
    retrained.setParams(retrained.params().mul(2));

    List<Float> before = Encoder.encode(spark, features, first, "same-id", architecture.code(), 10, 4).first().getList(1);
    List<Float> after = Encoder.encode(spark, features, retrained, "same-id", architecture.code(), 10, 4).first().getList(1);
    float[] expected = retrained.feedForward(Nd4j.create(new Random(1).doubles(10).toArray(), 1, 10)
        .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), false).get(2).toFloatVector();
    assertThat(after).isNotEqualTo(before);
    for (int k = 0; k < 3; k++) {
      assertThat(after.get(k)).isCloseTo(expected[k], within(1e-5f));
    }
  }
}
