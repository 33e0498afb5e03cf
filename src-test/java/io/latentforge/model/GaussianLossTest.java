package io.latentforge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.model.layers.GaussianLoss;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The VAE decoder's Gaussian log-likelihood: its score, its gradient, and where its variance comes from. */
class GaussianLossTest {

  private static final double VARIANCE = 0.03;

  @Test
  void scoresHalfTheSquaredErrorOverTheVarianceAndItsGradientIsTheScores() {
    Nd4j.getRandom().setSeed(3);
    INDArray labels = Nd4j.rand(DataType.DOUBLE, 4, 5);
    INDArray output = Nd4j.rand(DataType.DOUBLE, 4, 5);
    GaussianLoss loss = new GaussianLoss(VARIANCE);
    ActivationIdentity identity = new ActivationIdentity();

    INDArray perRow = loss.computeScoreArray(labels, output, identity, null);
    for (int i = 0; i < 4; i++) {
      double squares = output.getRow(i).sub(labels.getRow(i)).norm2Number().doubleValue();
      assertThat(perRow.getDouble(i, 0)).isCloseTo(squares * squares / (2 * VARIANCE), within(1e-9));
    }
    INDArray gradient = loss.computeGradient(labels, output, identity, null);
    double h = 1e-6;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 5; j++) {
        INDArray up = output.dup();
        up.putScalar(i, j, output.getDouble(i, j) + h);
        INDArray down = output.dup();
        down.putScalar(i, j, output.getDouble(i, j) - h);
        double numeric = (loss.computeScore(labels, up, identity, null, false)
            - loss.computeScore(labels, down, identity, null, false)) / (2 * h);
        assertThat(gradient.getDouble(i, j)).as("d score / d output[%d][%d]", i, j).isCloseTo(numeric, within(1e-5));
      }
    }
    assertThat(loss.computeScore(labels, output, identity, null, true))
        .isCloseTo(perRow.sumNumber().doubleValue() / 4, within(1e-9));
    var both = loss.computeGradientAndScore(labels, output, identity, null, true);
    assertThat(both.getFirst()).isCloseTo(loss.computeScore(labels, output, identity, null, true), within(1e-12));
    assertThat(both.getSecond()).isEqualTo(gradient);
  }

  @Test
  void aVaeOnMseCarriesItsDecidedVarianceThroughItsJsonAndWaitsForAutoToBeDecided() {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=vae", "model.encoder-layers=[6]",
        "model.code-size=3"));
    assertThat(Autoencoder.needsNoiseVariance(config.model(), ModelSpec.Loss.MSE)).isTrue();
    assertThat(Autoencoder.needsNoiseVariance(config.model(), ModelSpec.Loss.XENT)).isFalse();
    assertThatThrownBy(() -> Autoencoder.build(config.model(), ModelSpec.Loss.MSE, 10, null, config.train()))
        .hasMessageContaining("model.vae.noise-variance");

    ModelSpec decided = config.model().withNoiseVariance(VARIANCE);
    MultiLayerConfiguration built = Autoencoder.build(decided, ModelSpec.Loss.MSE, 10, null, config.train())
        .configuration();
    MultiLayerConfiguration read = MultiLayerConfiguration.fromJson(built.toJson());
    BaseOutputLayer output = (BaseOutputLayer) read.getConf(read.getConfs().size() - 1).getLayer();
    assertThat(output.getLossFn()).isEqualTo(new GaussianLoss(VARIANCE));
  }
}
