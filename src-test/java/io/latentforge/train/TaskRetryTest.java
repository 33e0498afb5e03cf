package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.model.Autoencoder;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On {@code local[2,4]} (up to 4 attempts per task) a training task that fails on its first attempt
 * is retried and training completes with finite parameters. Its own session: the master differs.
 */
class TaskRetryTest {

  @TempDir
  Path dir;

  @Test
  void aTrainingTaskThatFailsOnceIsRetriedAndTrainingCompletes() {
    SparkSession spark = SparkSession.builder().appName("TaskRetryTest").master("local[2,4]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      AtomicInteger failedTrainingTasks = new AtomicInteger();
      spark.sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
          if (!end.taskInfo().successful()) {
            failedTrainingTasks.incrementAndGet();
          }
        }
      });
      LatentforgeConfig config = ConfigLoader.load(null, List.of("model.encoder-layers=[16]", "model.code-size=4",
          "train.epochs=2", "train.checkpoint-every=0", "train.validation-fraction=0"));
      Random random = new Random(1);
      double[][] x = new double[300][20];
      for (double[] row : x) {
        for (int j = 0; j < row.length; j++) {
          row[j] = random.nextDouble();
        }
      }
      Dataset<Row> rows = Training.rows(spark, x);
      Dataset<Row> failingOnce = rows.mapPartitions(new FailFirstAttempt(), Encoders.row(rows.schema()));
      MultiLayerNetwork network = SparkTrainer.fit(spark, failingOnce, 20,
          Autoencoder.build(config.model(), ModelSpec.Loss.MSE, 20, null, config.train()),
          new Corruption(new ModelSpec.Corruption(ModelSpec.CorruptionType.NONE, 0)), config.train(),
          new SparkTrainer.Paths(dir.resolve("scratch").toUri().toString(), dir.resolve("cp").toUri().toString()))
          .network();

      assertThat(failedTrainingTasks.get()).as("task attempts that failed and were retried").isPositive();
      double sum = network.params().sumNumber().doubleValue();
      assertThat(Double.isFinite(sum)).as("finite parameters").isTrue();
    } finally {
      spark.stop();
    }
  }

  /** Fails the first attempt of partition 0 of every stage, as a lost executor or a flaky disk might. */
  static final class FailFirstAttempt implements MapPartitionsFunction<Row, Row> {
    @Override
    public java.util.Iterator<Row> call(java.util.Iterator<Row> rows) {
      TaskContext task = TaskContext.get();
      if (task.partitionId() == 0 && task.attemptNumber() == 0) {
        throw new IllegalStateException("injected failure on the first attempt of partition 0");
      }
      return rows;
    }
  }
}
