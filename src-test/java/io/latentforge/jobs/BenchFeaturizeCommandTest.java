package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.testing.SparkSessionExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs and reports a rate per corpus (its figures are for the notes, not asserted). */
@ExtendWith(SparkSessionExtension.class)
class BenchFeaturizeCommandTest {

  @TempDir
  Path dir;

  @Test
  void reportsRowsAndRatesForImagesAndDocuments() {
    CliErrorsTest.Outcome r = CliErrorsTest.cli("bench", "featurize", "--images", "60", "--documents", "50",
        "--repeats", "1", "--output", dir.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("images\\s+60 rows .* rows/s").containsPattern("documents\\s+50 rows .* rows/s");
    assertThat(CliErrorsTest.cli("bench").exitCode()).isEqualTo(2);
  }
}
