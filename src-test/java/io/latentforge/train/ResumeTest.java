package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentforge.jobs.Main;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.StandaloneCluster;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver killed mid-training: rerunning the same command resumes from the newest readable
 * checkpoint (the newest is damaged here, so from the one before) and ends where an uninterrupted
 * run ends.
 */
@ExtendWith(SparkSessionExtension.class)
class ResumeTest {

  private static final int EPOCHS = 7;

  @TempDir
  Path dir;

  @Test
  void aKilledRunResumesFromItsNewestReadableCheckpointAndEndsWhereAnUninterruptedOneDoes(SparkSession spark)
      throws Exception {
    String corpus = dir.resolve("corpus").toString();
    DemoCorpora.images(spark, 400, 3).write().parquet(corpus);
    String interrupted = dir.resolve("interrupted").toString();

    // A separate driver JVM, killed once its fourth checkpoint is written.
    Process driver = driverJvm(nightly(corpus, interrupted));
    Path fourth = awaitCheckpoint(interrupted, 4, driver);
    driver.destroyForcibly().waitFor();
    Path checkpoints = fourth.getParent();
    // Damage the newest checkpoint, as a crash while writing it might have (without the atomic rename).
    try (RandomAccessFile zip = new RandomAccessFile(checkpoints.resolve("epoch-0004.network").toFile(), "rw")) {
      zip.setLength(zip.length() / 2);
    }

    assertThat(Main.run(nightly(corpus, interrupted))).isZero();
    JsonNode resumed = card(interrupted);
    assertThat(resumed.get("training").get("resumed_from_epoch").asInt()).isEqualTo(3);
    assertThat(resumed.get("epochs")).hasSize(EPOCHS);

    String uninterrupted = dir.resolve("uninterrupted").toString();
    assertThat(Main.run(nightly(corpus, uninterrupted))).isZero();
    JsonNode straight = card(uninterrupted);
    assertThat(straight.get("training").get("resumed_from_epoch").asInt()).isZero();
    assertThat(resumed.get("model_id").asText()).isEqualTo(straight.get("model_id").asText());
    double expected = lastValidation(straight);
    assertThat(lastValidation(resumed)).as("final validation error, resumed vs uninterrupted")
        .isCloseTo(expected, within(0.05 * expected));
  }

  private static String[] nightly(String corpus, String out) {
    return new String[] {"nightly", "--kind", "image", "--input", corpus, "--output", out, "--run-date", "2026-11-27",
        "--set", "train.epochs=" + EPOCHS, "--set", "train.patience=0", "--set", "model.encoder-layers=[64]",
        "--set", "nightly.steps=[]"};
  }

  private static Process driverJvm(String[] args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=2G", "-Dspark.master=local[2]", "-Dspark.ui.enabled=false"));
    command.addAll(StandaloneCluster.CHILD_JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(Path.of(System.getProperty("java.io.tmpdir"), "latentforge-resume-driver.log").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static Path awaitCheckpoint(String out, int epoch, Process driver) throws Exception {
    String name = String.format("epoch-%04d.json", epoch);
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (System.nanoTime() < deadline && driver.isAlive()) {
      Path root = Path.of(out, "_checkpoints");
      if (Files.isDirectory(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          Optional<Path> found = files.filter(p -> p.getFileName().toString().equals(name)).findFirst();
          if (found.isPresent()) {
            return found.get();
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no checkpoint of epoch " + epoch + " appeared; the driver "
        + (driver.isAlive() ? "is still running" : "exited with " + driver.exitValue()) + ", see "
        + Path.of(System.getProperty("java.io.tmpdir"), "latentforge-resume-driver.log"));
  }

  private static JsonNode card(String out) throws IOException {
    try (Stream<Path> models = Files.list(Path.of(out, "models"))) {
      Path model = models.filter(p -> !p.getFileName().toString().startsWith("_")).findFirst().orElseThrow();
      return new ObjectMapper().readTree(model.resolve("model.json").toFile());
    }
  }

  private static double lastValidation(JsonNode card) {
    JsonNode epochs = card.get("epochs");
    return epochs.get(epochs.size() - 1).get("validation_loss").asDouble();
  }
}
