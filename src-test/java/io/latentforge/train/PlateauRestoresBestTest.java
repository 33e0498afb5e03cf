package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.TrainSettings;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.EpochMetrics;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.plateau-restores-best}: a plateau whose held-out loss jumped past {@code
 * train.plateau-restore-margin} (17% here, the default margin 10%) takes the network back to its best
 * epoch before the lower rate goes on, so a run a too-high rate threw out of its basin starts again
 * from there.
 */
@ExtendWith(SparkSessionExtension.class)
class PlateauRestoresBestTest {

  @Test
  void afterAPlateauTrainingGoesOnFromTheBestEpoch(SparkSession spark, @TempDir Path scratch) {
    double[][] x = clusters(800, 20, new Random(9));
    List<EpochMetrics> restoring = history(spark, x, scratch, true);
    List<EpochMetrics> staying = history(spark, x, scratch, false);
    print("restores", restoring);
    print("stays", staying);

    // At a rate of 1.0 and minibatches of 4 the held-out loss gets worse at some epoch. Until the
    // plateau that follows, the two runs are the same run (same seed); from there, the one that goes
    // on from its best epoch stays ahead of the one that goes on from the worse epoch.
    int plateau = IntStream.range(1, restoring.size()).filter(e -> lowersAfter(restoring.subList(0, e)))
        .findFirst().orElseThrow(() -> new AssertionError("no plateau in " + restoring));
    for (int e = 0; e < plateau; e++) {
      assertThat(staying.get(e).validationLoss()).as("epoch %d", e + 1).isEqualTo(restoring.get(e).validationLoss());
    }
    assertThat(restoring.get(plateau).validationLoss()).as("the epoch after the plateau")
        .isLessThan(staying.get(plateau).validationLoss());
    assertThat(best(restoring)).isLessThan(0.8 * best(staying));
  }

  @Test
  void aRunResumedBeforeItsPlateauRestoresTheSameBestEpochAsAnUninterruptedRun(SparkSession spark,
      @TempDir Path scratch) {
    double[][] x = clusters(800, 20, new Random(9));
    List<EpochMetrics> straight = history(spark, x, scratch, true);
    int plateau = IntStream.range(1, straight.size()).filter(e -> lowersAfter(straight.subList(0, e)))
        .findFirst().orElseThrow(() -> new AssertionError("no plateau in " + straight));

    // The first run ends at the plateau's last epoch, so the rerun's first step is the restore, from
    // the best epoch's parameters and updater state as the checkpoints kept them.
    String checkpoints = scratch.resolve("interrupted").toUri().toString();
    fit(spark, x, scratch, checkpoints, "train.epochs=" + plateau);
    SparkTrainer.Trained resumed = fit(spark, x, scratch, checkpoints, "train.epochs=8");
    print("resumed", resumed.epochs());

    assertThat(resumed.resumedFrom()).isEqualTo(plateau);
    for (int e = 0; e < straight.size(); e++) {
      assertThat(resumed.epochs().get(e).validationLoss()).as("epoch %d, resumed vs uninterrupted", e + 1)
          .isCloseTo(straight.get(e).validationLoss(), within(1e-4 * straight.get(e).validationLoss()));
    }
  }

  private static boolean lowersAfter(List<EpochMetrics> history) {
    TrainSettings.Schedule s = config("train.plateau-restores-best=true").train().optimizer().schedule();
    return LearningRateSchedule.plateauScale(s, history)
        < LearningRateSchedule.plateauScale(s, history.subList(0, history.size() - 1));
  }

  private static double best(List<EpochMetrics> history) {
    return history.stream().mapToDouble(EpochMetrics::validationLoss).min().orElseThrow();
  }

  private static List<EpochMetrics> history(SparkSession spark, double[][] x, Path scratch, boolean restore) {
    String checkpoints = scratch.resolve("checkpoints-" + UUID.randomUUID()).toUri().toString();
    return fit(spark, x, scratch, checkpoints, "train.plateau-restores-best=" + restore).epochs();
  }

  private static SparkTrainer.Trained fit(SparkSession spark, double[][] x, Path scratch, String checkpoints,
      String setting) {
    LatentforgeConfig config = config(setting);
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, x[0].length, null,
        config.train());
    SparkTrainer.Paths paths = new SparkTrainer.Paths(scratch.resolve("scratch").toUri().toString(), checkpoints);
    return SparkTrainer.fit(spark, Training.rows(spark, x), x[0].length, architecture,
        new Corruption(config.model().trainingCorruption()), config.train(), paths);
  }

  /** A rate of 1.0 that overshoots, a plateau after one epoch without progress, and {@code setting}. */
  private static LatentforgeConfig config(String setting) {
    return ConfigLoader.load(null, List.of("model.type=deep", "model.encoder-layers=[32]", "model.code-size=4",
        "model.activation=tanh", "train.epochs=8", "train.learning-rate=1.0", "train.warmup-epochs=0", "train.batch-size-per-worker=4",
        "train.validation-fraction=0.2", "train.patience=0", "train.lr-schedule=plateau", "train.plateau-patience=1",
        "train.plateau-factor=0.001", "train.checkpoint-every=1", setting));
  }

  /** Rows around a few random centres, so a good code is far better than a bad one. */
  private static double[][] clusters(int rows, int features, Random random) {
    double[][] centres = new double[5][features];
    for (double[] c : centres) {
      for (int j = 0; j < features; j++) {
        c[j] = random.nextGaussian();
      }
    }
    double[][] x = new double[rows][features];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < features; j++) {
        x[i][j] = centres[i % centres.length][j] + 0.2 * random.nextGaussian();
      }
    }
    return x;
  }

  private static void print(String what, List<EpochMetrics> history) {
    System.out.printf("%s: validation loss by epoch %s%n", what,
        history.stream().map(m -> String.format("%.4f", m.validationLoss())).toList());
  }
}
