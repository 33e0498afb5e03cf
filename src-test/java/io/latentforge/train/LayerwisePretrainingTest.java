package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.model.Autoencoder;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Greedy layer-wise pretraining gives the deep network weights that already reconstruct, before it
 * trains as a whole; the options it cannot apply to are refused when the config is read.
 */
@ExtendWith(SparkSessionExtension.class)
class LayerwisePretrainingTest {

  @TempDir
  Path dir;

  @Test
  void theStackOfPretrainedLayersReconstructsBeforeFineTuning(SparkSession spark) {
    double[][] x = ConvergenceTest.blobs(1200, 12, 3);
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=deep", "model.encoder-layers=[48, 12]",
        "model.code-size=4", "model.loss=xent", "train.pretrain=layerwise", "train.pretrain-epochs=12", "train.learning-rate=0.01",
        "train.validation-fraction=0.1", "train.checkpoint-every=0"));
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.XENT, x[0].length, null,
        config.train());
    MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration());
    network.init();
    Training.Model model = new Training.Model(network, architecture, config);
    double random = model.reconError(x, x);
    INDArray firstLayer = network.getLayer(0).getParam("W").dup();

    LayerwisePretraining.pretrain(new LayerwisePretraining.Plan(spark, Training.rows(spark, x), x[0].length,
        config.model(), ModelSpec.Loss.XENT, config.train(), paths()), network);

    double pretrained = model.reconError(x, x);
    double mean = meanBaseline(x);
    System.out.printf("squared error per row: random weights %.3f, pretrained stack %.3f, mean %.3f%n", random,
        pretrained, mean);
    assertThat(network.getLayer(0).getParam("W")).as("first layer replaced").isNotEqualTo(firstLayer);
    // Three shallow autoencoders stacked without any joint training already beat the mean input.
    assertThat(pretrained).isLessThan(mean).isLessThan(0.5 * random);
  }

  @Test
  void theWholeRunTrainsFromThePretrainedWeights(SparkSession spark) {
    double[][] x = ConvergenceTest.blobs(1200, 12, 4);
    Training.Model model = Training.train(spark, x, false, dir, "model.type=denoising", "model.encoder-layers=[48, 12]",
        "model.code-size=4", "model.loss=xent", "train.pretrain=layerwise", "train.pretrain-epochs=5", "train.epochs=8",
        "train.learning-rate=0.01");
    double trained = model.reconError(x, x);
    assertThat(Training.Model.LAST.get().epochs()).hasSize(8);
    assertThat(trained).isLessThan(0.5 * meanBaseline(x));
  }

  @Test
  void modelsItCannotStackAreRefusedWhenTheConfigIsRead() {
    for (List<String> settings : List.of(List.of("model.type=conv"), List.of("model.type=vae"),
        List.of("model.type=shallow"), List.of("model.binary-codes=true"), List.of("model.decoder-layers=[64]"))) {
      List<String> all = new java.util.ArrayList<>(settings);
      all.add("train.pretrain=layerwise");
      assertThatThrownBy(() -> ConfigLoader.load(null, all)).as("%s", settings)
          .isInstanceOf(LatentforgeException.class)
          .hasMessageContaining("train.pretrain = layerwise")
          .satisfies(e -> assertThat(((LatentforgeException) e).kind()).isEqualTo(LatentforgeException.Kind.USAGE));
    }
  }

  private SparkTrainer.Paths paths() {
    return new SparkTrainer.Paths(dir.resolve("scratch").toUri().toString(), dir.resolve("checkpoints").toUri().toString());
  }

  private static double meanBaseline(double[][] x) {
    INDArray data = Nd4j.create(x);
    INDArray diff = data.subRowVector(data.mean(0));
    return diff.mul(diff).sumNumber().doubleValue() / x.length;
  }
}
