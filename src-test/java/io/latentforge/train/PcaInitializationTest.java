package io.latentforge.train;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.model.Autoencoder;
import io.latentforge.schema.Columns;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code train.pretrain = pca}: the untrained network reconstructs as PCA of the training rows
 * does, the held-out rows take no part in it, and the networks it cannot start are refused.
 */
@ExtendWith(SparkSessionExtension.class)
class PcaInitializationTest {

  private static final int FEATURES = 30;
  private static final int CODE = 4;

  @Test
  void theUntrainedNetworkReconstructsAsPcaOfItsSize(SparkSession spark) {
    double[][] x = subspace(1500, 6, new Random(3));
    LatentforgeConfig config = config("train.validation-fraction=0");
    Training.Model random = model(config);
    Training.Model started = model(config);

    startFromPca(spark, started.network(), x, config);

    double pca = ConvergenceTest.pcaError(x, x, CODE);
    double fromPca = started.reconError(x, x);
    System.out.printf("squared error per row: random weights %.5f, PCA start %.5f, PCA-%d %.5f%n",
        random.reconError(x, x), fromPca, CODE, pca);
    // tanh bends the principal coordinates a little (4.5% here, where PCA leaves little noise).
    assertThat(fromPca).isLessThan(1.1 * pca).isGreaterThan(0.95 * pca);
    assertThat(random.reconError(x, x)).isGreaterThan(3 * pca);

    // A decoder wider than the encoder's first layer reads the same principal coordinates.
    Training.Model wide = model(config("train.validation-fraction=0", "model.decoder-layers=[8, 24]"));
    startFromPca(spark, wide.network(), x, config);
    assertThat(wide.reconError(x, x)).isCloseTo(fromPca, org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void theValidationRowsAreLeftOut(SparkSession spark) {
    double[][] x = subspace(1500, 6, new Random(4));
    LatentforgeConfig config = config("train.validation-fraction=0.1");
    Set<String> held = Training.rows(spark, x).where(HeldOutSplit.isValidation(config.train()))
        .select(col(Columns.ID)).collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
    // Feature 0 is constant on the training rows and large on the held-out ones: PCA of every row
    // would take it as its first direction, PCA of the training rows never sees it vary.
    for (int i = 0; i < x.length; i++) {
      x[i][0] = held.contains("r" + i) ? 5 : 0.1;
    }
    assertThat(held).hasSizeBetween(100, 200);
    Training.Model started = model(config);

    startFromPca(spark, started.network(), x, config);

    double[] firstRow = started.network().getLayer(0).getParam("W").getRow(0).toDoubleVector();
    assertThat(java.util.Arrays.stream(firstRow).map(Math::abs).max().orElseThrow()).isLessThan(1e-3);
  }

  @Test
  void networksItCannotStartAreRefusedBeforeTraining() {
    for (List<String> settings : List.of(List.of("model.type=conv"), List.of("model.type=vae"),
        List.of("model.binary-codes=true"), List.of("model.activation=relu"), List.of("model.code-activation=sigmoid"))) {
      LatentforgeConfig config = ConfigLoader.load(null, settings);
      assertThatThrownBy(() -> PcaInitialization.requireApplicable(config.model(), ModelSpec.Loss.MSE)).as("%s", settings)
          .isInstanceOf(LatentforgeException.class)
          .hasMessageContaining("train.pretrain = pca")
          .satisfies(e -> assertThat(((LatentforgeException) e).kind()).isEqualTo(LatentforgeException.Kind.USAGE));
    }
    LatentforgeConfig dense = ConfigLoader.load(null, List.of("model.activation=tanh"));
    assertThatThrownBy(() -> PcaInitialization.requireApplicable(dense.model(), ModelSpec.Loss.XENT))
        .hasMessageContaining("model.loss = mse");
    PcaInitialization.requireApplicable(dense.model(), ModelSpec.Loss.MSE);
  }

  private static LatentforgeConfig config(String... more) {
    List<String> settings = new java.util.ArrayList<>(List.of("model.type=denoising", "model.encoder-layers=[16, 8]",
        "model.code-size=" + CODE, "model.activation=tanh", "model.loss=mse", "train.pretrain=pca"));
    settings.addAll(List.of(more));
    return ConfigLoader.load(null, settings);
  }

  private static Training.Model model(LatentforgeConfig config) {
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, FEATURES, null,
        config.train());
    MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration());
    network.init();
    return new Training.Model(network, architecture, config);
  }

  /**
   * Rows near a {@code rank}-dimensional subspace, around a mean of 0.1, with coordinates of
   * decreasing spread and entries of about tf-idf's size (0.1 to 0.3).
   */
  static double[][] subspace(int n, int rank, Random random) {
    double[][] basis = new double[rank][FEATURES];
    for (double[] b : basis) {
      for (int j = 0; j < FEATURES; j++) {
        b[j] = random.nextGaussian() / Math.sqrt(FEATURES);
      }
    }
    double[][] x = new double[n][FEATURES];
    for (double[] row : x) {
      for (int r = 0; r < rank; r++) {
        double coordinate = 0.3 * random.nextGaussian() / (r + 1);
        for (int j = 0; j < FEATURES; j++) {
          row[j] += coordinate * basis[r][j];
        }
      }
      for (int j = 0; j < FEATURES; j++) {
        row[j] += 0.1 + 0.005 * random.nextGaussian();
      }
    }
    return x;
  }

  /** The product's PCA start: one PCA of the training rows as wide as the network asks. */
  private static void startFromPca(SparkSession spark, MultiLayerNetwork network, double[][] x,
      LatentforgeConfig config) {
    int components = PcaInitialization.components(network.getLayerWiseConfigurations(), FEATURES);
    PcaInitialization.initialize(network, new TrainingPca(spark, Training.rows(spark, x), components, config.train()),
        FEATURES);
  }
}
