package io.latentforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/bin/latentforge runs copies of the project's jars, so a rebuild or {@code mvn clean} while a
 * nightly runs cannot take its classes away. The JVM's own report of its classpath is checked.
 */
class LauncherTest {

  private static final Path ROOT = Path.of(System.getProperty("latentforge.root")).toAbsolutePath().normalize();
  private static final List<Path> PROJECT_JARS = List.of(
      ROOT.resolve("jobs/target/latentforge-jobs-0.1.0-SNAPSHOT.jar"),
      ROOT.resolve("pipeline/target/latentforge-pipeline-0.1.0-SNAPSHOT.jar"));

  @TempDir
  Path cache;

  @Test
  void runsContentNamedCopiesOfTheProjectJarsAndReusesThem() throws Exception {
    String first = launch();
    assertThat(first).contains("latentforge 0.1.0");
    List<Path> copies = cached();
    assertThat(copies).hasSize(2);
    for (Path jar : PROJECT_JARS) {
      Path copy = copies.stream().filter(c -> c.getFileName().toString().endsWith("-" + jar.getFileName())).findFirst()
          .orElseThrow(() -> new AssertionError("no copy of " + jar + " in " + copies));
      assertThat(Files.mismatch(copy, jar)).isEqualTo(-1L);
      assertThat(first).contains(copy.toString()).doesNotContain(jar.toString());
    }

    launch();
    assertThat(cached()).containsExactlyInAnyOrderElementsOf(copies);
  }

  @Test
  void runsTheBuiltJarsWithAWarningWhenTheCacheCannotBeWritten() throws Exception {
    Path file = Files.writeString(cache.resolve("a-file"), "not a directory");
    String output = launch(file.resolve("jars"));
    assertThat(output).contains("latentforge 0.1.0", "cannot write " + file.resolve("jars"));
    for (Path jar : PROJECT_JARS) {
      assertThat(output).contains(jar.toString());
    }
  }

  private String launch() throws IOException, InterruptedException {
    return launch(cache);
  }

  /** Runs {@code latentforge --version} with the JVM printing its system properties (classpath included). */
  private String launch(Path jarCache) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("deploy/bin/latentforge").toString(), "--version")
        .redirectErrorStream(true);
    builder.environment().put("LATENTFORGE_JAR_CACHE", jarCache.toString());
    builder.environment().put("JAVA_OPTS", "-XshowSettings:properties");
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(text).isZero();
    return text;
  }

  private List<Path> cached() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.sorted().toList();
    }
  }
}
