package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.EpochMetrics;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spark training converges as plain training does: Adam's state travels with the parameters through
 * averaging rounds and epochs, the loss falls under parameter averaging with two workers, and the
 * default deep model finds a non-linear code far better than PCA's.
 */
@ExtendWith(SparkSessionExtension.class)
class ConvergenceTest {

  @TempDir
  Path dir;

  @Test
  void adamsStateIsCarriedThroughAveragingRoundsAndEpochs(SparkSession spark) {
    double[][] x = blobs(600, 12, 4);
    Training.Model one = Training.train(spark, x, false, dir, "model.encoder-layers=[32]", "model.code-size=3",
        "train.epochs=1", "train.workers=2");
    double[] state = one.network().getUpdater().getStateViewArray().toDoubleVector();
    // Zero before the first fit; once the state comes back from the workers, Adam's first and second
    // moments are non-zero for (nearly) every parameter. Without it, the driver's state stays zero.
    long nonZero = java.util.Arrays.stream(state).filter(v -> v != 0).count();
    assertThat(state.length).as("Adam keeps two moments per parameter").isEqualTo(2 * one.network().numParams());
    assertThat(nonZero).as("non-zero entries of the updater state after an epoch").isGreaterThan(state.length * 9 / 10);
    assertThat(one.network().getLayerWiseConfigurations().getIterationCount()).as("iterations counted").isPositive();
  }

  @Test
  void withMomentumOneWorkerAveragingEveryMinibatchGivesTheSingleJvmParametersAndState(SparkSession spark) {
    // Each epoch is one minibatch (DL4J assigns minibatches to rounds in an order of its own), so six
    // epochs are six steps, each on a network rebuilt from the broadcast by a new training master.
    // Nesterov momentum keeps a velocity per parameter and, unlike Adam, no iteration count: equal
    // parameters and state mean the velocity came back from every round. (Adam's bias correction cannot
    // be compared this way: DL4J 1.0.0-M2's plain fit(DataSet) corrects its first step as Adam's second.)
    int rows = 120;
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.encoder-layers=[16]", "model.code-size=4",
        "train.workers=1", "train.averaging-frequency=1", "train.prefetch=0", "train.repartition=never",
        "train.validation-fraction=0", "train.checkpoint-every=0", "train.epochs=6", "train.lr-schedule=constant",
        "train.warmup-epochs=0", "train.batch-size-per-worker=" + rows, "train.updater=nesterovs",
        "train.learning-rate=0.05"));
    double[][] x = blobs(rows, 5, 5);
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, 25, null,
        config.train());
    MultiLayerNetwork viaSpark = SparkTrainer.fit(spark, Training.rows(spark, x).coalesce(1), 25, architecture,
        new Corruption(new ModelSpec.Corruption(ModelSpec.CorruptionType.NONE, 0)), config.train(),
        new SparkTrainer.Paths(dir.resolve("scratch").toUri().toString(), dir.resolve("cp").toUri().toString()))
        .network();

    MultiLayerNetwork single = new MultiLayerNetwork(architecture.configuration().clone());
    single.init();
    INDArray start = single.params().dup();
    INDArray all = Nd4j.create(Training.rows(spark, x).coalesce(1).select("features").collectAsList().stream()
        .map(r -> ((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray()).toArray(double[][]::new))
        .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    for (int epoch = 0; epoch < 6; epoch++) {
      single.fit(new org.nd4j.linalg.dataset.DataSet(all, all));
    }
    double moved = single.params().sub(start).amaxNumber().doubleValue();
    double diff = viaSpark.params().sub(single.params()).amaxNumber().doubleValue();
    INDArray velocity = single.getUpdater().getStateViewArray();
    double stateDiff = viaSpark.getUpdater().getStateViewArray().sub(velocity).amaxNumber().doubleValue();
    System.out.printf("momentum: max |spark - single| %.3g (state %.3g), largest move %.3g, largest velocity %.3g%n",
        diff, stateDiff, moved, velocity.amaxNumber().doubleValue());
    assertThat(moved).as("training moved the parameters").isGreaterThan(1e-3);
    assertThat(diff).as("parameters, Spark against single JVM").isLessThan(1e-5);
    assertThat(stateDiff).as("velocity, Spark against single JVM").isLessThan(1e-5);
  }

  @Test
  void trainingLossFallsOverTheFirstEpochsUnderAveragingWithTwoWorkers(SparkSession spark) {
    double[][] x = blobs(2000, 16, 6);
    Training.train(spark, x, false, dir, "train.workers=2", "train.epochs=5", "model.code-size=4",
        "train.validation-fraction=0.1");
    List<EpochMetrics> epochs = Training.Model.LAST.get().epochs();
    System.out.println("losses " + epochs.stream().map(EpochMetrics::trainingLoss).toList() + ", validation "
        + epochs.stream().map(EpochMetrics::validationLoss).toList());
    for (int i = 1; i < epochs.size(); i++) {
      assertThat(epochs.get(i).validationLoss()).as("validation error of epoch %d", i + 1)
          .isLessThan(epochs.get(i - 1).validationLoss());
    }
    assertThat(epochs.get(epochs.size() - 1).trainingLoss()).isLessThan(0.5 * epochs.get(0).trainingLoss());
  }

  @Test
  void theDefaultDeepModelReconstructsANonLinearCorpusAtHalfOfPcasError(SparkSession spark) {
    int side = 16;
    double[][] train = blobs(4000, side, 7);
    double[][] heldOut = blobs(500, side, 8);
    Training.Model model = Training.train(spark, train, false, dir, "model.code-size=3", "model.loss=xent",
        "train.epochs=12", "train.validation-fraction=0.1");
    double autoencoder = model.reconError(heldOut, heldOut);
    double pca = pcaError(train, heldOut, 3);
    System.out.printf("held-out squared error per row: autoencoder %.3f, PCA-3 %.3f (%.2f)%n", autoencoder, pca,
        autoencoder / pca);
    assertThat(autoencoder).isLessThan(0.5 * pca);
  }

  /**
   * Images of one Gaussian blob at a random position and width: three numbers make each image, on a
   * curved manifold that a few principal components cannot follow.
   */
  static double[][] blobs(int n, int side, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[n][side * side];
    for (double[] row : x) {
      double cx = random.nextDouble() * (side - 1);
      double cy = random.nextDouble() * (side - 1);
      double width = 1 + random.nextDouble() * 1.5;
      for (int i = 0; i < side; i++) {
        for (int j = 0; j < side; j++) {
          double d2 = (i - cy) * (i - cy) + (j - cx) * (j - cx);
          row[i * side + j] = Math.exp(-d2 / (2 * width * width));
        }
      }
    }
    return x;
  }

  /** Held-out squared error per row of PCA with {@code k} components fitted on {@code train}. */
  static double pcaError(double[][] train, double[][] heldOut, int k) {
    int d = train[0].length;
    INDArray t = Nd4j.create(train);
    INDArray mean = t.mean(0);
    INDArray centred = t.subRowVector(mean);
    INDArray cov = centred.transpose().mmul(centred).divi(train.length);
    INDArray vectors = cov.dup();
    org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(vectors, true);
    // Eigen returns ascending eigenvalues with the vectors in the columns of the matrix it was given.
    INDArray top = vectors.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(d - k, d));
    INDArray h = Nd4j.create(heldOut).subRowVector(mean);
    INDArray recon = h.mmul(top).mmul(top.transpose());
    INDArray diff = h.sub(recon);
    return diff.mul(diff).sumNumber().doubleValue() / heldOut.length;
  }
}
