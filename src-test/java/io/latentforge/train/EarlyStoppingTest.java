package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.model.AutoencoderFamilyTestData;
import io.latentforge.model.EpochMetrics;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.Comparator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** When training stops before train.epochs: early stopping on the validation error, and the time limit. */
@ExtendWith(SparkSessionExtension.class)
class EarlyStoppingTest {

  @TempDir
  Path dir;

  @Test
  void trainingStopsAfterPatienceEpochsWithoutImprovementAndKeepsTheBestEpoch(SparkSession spark) {
    double[][] x = AutoencoderFamilyTestData.bars(300, 8, 4);
    Training.train(spark, x, false, dir, "model.encoder-layers=[32]", "model.code-size=16", "model.loss=xent",
        "train.epochs=200", "train.validation-fraction=0.3", "train.patience=2", "train.learning-rate=0.02");
    SparkTrainer.Trained trained = Training.Model.LAST.get();

    assertThat(trained.epochs()).hasSizeLessThan(200);
    assertThat(trained.stopReason()).startsWith("early stop after epoch " + trained.epochs().size());
    EpochMetrics best = trained.epochs().stream().min(Comparator.comparingDouble(EpochMetrics::validationLoss))
        .orElseThrow();
    assertThat(trained.epochs().size() - best.epoch()).isEqualTo(2);
    EpochMetrics last = trained.epochs().get(trained.epochs().size() - 1);
    assertThat(last.elapsedSeconds()).isPositive();
    assertThat(last.secondsLeft()).isPositive();
    assertThat(last.toMap()).containsKeys("training_loss", "validation_loss", "examples_per_second",
        "elapsed_seconds", "estimated_seconds_left");
  }

  @Test
  void noEpochStartsThatWouldEndPastTheTimeLimit(SparkSession spark) {
    double[][] x = AutoencoderFamilyTestData.bars(200, 8, 5);
    Training.train(spark, x, false, dir, "model.encoder-layers=[16]", "model.code-size=8", "train.epochs=50",
        "train.max-minutes=0.001");
    SparkTrainer.Trained trained = Training.Model.LAST.get();
    assertThat(trained.epochs()).hasSize(1);
    assertThat(trained.stopReason()).startsWith("stopped after epoch 1: another epoch").contains("train.max-minutes");
  }
}
