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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/submit.sh nightly} with the shaded jar, as a real application on a standalone
 * cluster of separate JVMs: a master, two workers and the executors they start. Only Spark, Hadoop
 * and Scala are on the cluster's classpath; DL4J, ND4J and latentforge come from the jar.
 */
@ExtendWith(SparkSessionExtension.class)
class ClusterSubmitTest {

  private static final Pattern LOAD = Pattern.compile("loading model (\\S+) in this JVM");

  @TempDir
  Path dir;

  @Test
  void nightlyRunsAsASubmittedApplicationWithExecutorsInTheirOwnJvms(SparkSession spark) throws Exception {
    String corpus = dir.resolve("corpus").toString();
    DemoCorpora.images(spark, 300, 11).repartition(6).write().parquet(corpus);
    String out = dir.resolve("out").toString();

    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, "2g")) {
      Path driverLog = dir.resolve("driver.log");
      Process submit = cluster.submit(dir, driverLog, "nightly", "--kind", "image", "--input", corpus, "--output", out,
          "--run-date", "2026-11-27", "--set", "train.epochs=2", "--set", "model.encoder-layers=[64]",
          "--set", "spark.executor-offheap=1G", "--set", "spark.executor-physical=3G",
          "--set", "spark.executor-memory-overhead=512m");
      boolean ended = submit.waitFor(8, TimeUnit.MINUTES);
      if (!ended) {
        submit.descendants().forEach(ProcessHandle::destroyForcibly);
        submit.destroyForcibly();
      }
      String log = StandaloneCluster.read(driverLog);
      assertThat(ended).as("the application ended within 8 minutes:\n%s", log).isTrue();
      assertThat(submit.exitValue()).as("exit code; driver log:\n%s\nexecutors:\n%s", log, executorLogs(cluster))
          .isZero();
      assertThat(log).contains("nightly image run 2026-11-27", "rows featurized  300");

      // Executors ran in their own JVMs, each of which deserialized the model at most once
      // although more encode tasks (6 partitions) than executors ran.
      List<Path> executors = cluster.executorLogs();
      assertThat(executors).as("executor JVMs started by the workers").hasSizeGreaterThanOrEqualTo(2);
      List<String> loads = new ArrayList<>();
      for (Path executor : executors) {
        // The worker logs the command it started the executor with: ND4J's limits from the config.
        assertThat(StandaloneCluster.read(executor)).contains("-Dorg.bytedeco.javacpp.maxbytes=1G",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=3G");
        // Validation encodes a model per epoch too, and the mean code is taken with the uncentred
        // model; the published model is what must load once.
        List<String> here = loadsIn(executor).stream()
            .filter(id -> !id.startsWith("validation-") && !id.startsWith("uncentred-")).toList();
        assertThat(here).as("model loads in %s", executor).doesNotHaveDuplicates();
        loads.addAll(here);
      }
      assertThat(loads).as("model loads across executors").isNotEmpty().hasSizeLessThanOrEqualTo(executors.size());
    }
    assertThat(spark.read().parquet(out + "/codes").where("run_date = '2026-11-27'").count()).isEqualTo(300);
    assertThat(Path.of(out, "codes", "run_date=2026-11-27", "_MANIFEST.json")).exists();
    try (var models = Files.list(Path.of(out, "models"))) {
      assertThat(models.filter(p -> Files.exists(p.resolve("model.json"))).count()).isEqualTo(1);
    }
  }

  private static List<String> loadsIn(Path executorLog) {
    List<String> ids = new ArrayList<>();
    Matcher m = LOAD.matcher(StandaloneCluster.read(executorLog));
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private static String executorLogs(StandaloneCluster cluster) throws Exception {
    return cluster.executorLogs().stream().map(p -> p + ":\n" + tail(StandaloneCluster.read(p)))
        .collect(Collectors.joining("\n"));
  }

  private static String tail(String text) {
    return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
  }
}
