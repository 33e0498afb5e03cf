package io.latentforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.StandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors killed with SIGKILL on a standalone cluster of separate JVMs, once while a training
 * epoch runs and once as the codes are encoded: the worker reports the lost executor, the master
 * starts another, Spark runs the lost tasks again, and the run publishes every row of the corpus
 * once, with finite codes. The run has speculative execution on (the workers register under two
 * host names, since Spark never runs a copy on the host of the original): duplicate task attempts
 * leave no duplicate rows either.
 */
@ExtendWith(SparkSessionExtension.class)
class ExecutorLossTest {

  private static final int ROWS = 3000;

  @TempDir
  Path dir;

  @Test
  void anExecutorKilledWhileTrainingAndAnotherWhileEncodingStillPublishEveryRow(SparkSession spark) throws Exception {
    String corpus = dir.resolve("corpus").toString();
    DemoCorpora.images(spark, ROWS, 13).repartition(8).write().parquet(corpus);
    String out = dir.resolve("out").toString();

    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, "2g", true)) {
      Path driverLog = dir.resolve("driver.log");
      // Speculative copies of slow tasks (the first task on each executor loads the model).
      List<String> speculation = List.of("--conf", "spark.speculation=true", "--conf",
          "spark.speculation.interval=100ms", "--conf", "spark.speculation.quantile=0.25", "--conf",
          "spark.speculation.multiplier=1.2");
      Process run = cluster.submit(dir, driverLog, speculation, "nightly", "--kind", "image", "--input", corpus, "--output", out,
          "--run-date", "2026-11-28", "--set", "train.epochs=3", "--set", "train.patience=0",
          "--set", "model.encoder-layers=[64]", "--set", "spark.executor-offheap=1G", "--set",
          "spark.executor-physical=3G", "--set", "spark.executor-memory-overhead=512m",
          // The losses are in training and encoding; the steps after them run as ClusterSubmitTest's do.
          "--set", "nightly.steps=[]");
      List<Long> killed = new ArrayList<>();
      // Logged as epoch 2's training job is submitted, and as the encoding's is about to be.
      awaitLine(driverLog, run, "epoch 2: learning rate");
      cluster.killAnExecutor().ifPresent(killed::add);
      awaitLine(driverLog, run, "mean code took");
      cluster.killAnExecutor().ifPresent(killed::add);
      boolean ended = run.waitFor(10, TimeUnit.MINUTES);
      String log = StandaloneCluster.read(driverLog);
      if (!ended) {
        run.descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly();
      }
      assertThat(ended).as("the application ended within 10 minutes:\n%s", log).isTrue();
      assertThat(run.exitValue()).as("exit code; driver log:\n%s", log).isZero();
      assertThat(killed).as("executors killed").hasSize(2).doesNotHaveDuplicates();
      assertThat(log).contains("rows featurized  " + ROWS).containsPattern("(?i)lost executor|executor \\d+ .*exited");
    }
    assertThat(spark.read().parquet(out + "/codes").where("run_date = '2026-11-28'").count()).isEqualTo(ROWS);
    assertThat(spark.read().parquet(out + "/codes").where("run_date = '2026-11-28'").select("id").distinct().count())
        .isEqualTo(ROWS);
    assertThat(spark.read().parquet(out + "/codes").where("run_date = '2026-11-28' AND exists(code, x -> isnan(x))")
        .count()).as("codes with NaN").isZero();
  }

  /** Waits until the driver logs a line containing {@code text} (or the run ends). */
  private static void awaitLine(Path driverLog, Process run, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (System.nanoTime() < deadline && run.isAlive()) {
      if (Files.exists(driverLog) && Files.readString(driverLog).contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the driver never logged '" + text + "':\n" + StandaloneCluster.read(driverLog));
  }
}
