package io.latentforge.jobs;

import static io.latentforge.testing.TestFiles.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentforge.features.image.Png;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nights of one image corpus: from scratch; warm-started on a corpus with 5% of its rows
 * replaced (published, with a drift section); and on a corpus with half its images replaced by
 * noise, which a publish gate stops (exit 7, nothing published, the run kept for review) until
 * {@code promote} publishes it.
 */
@ExtendWith(SparkSessionExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NightlyContinuityTest {

  private static final int ROWS = 300;
  private static final int REPLACED = 15;
  private static final double MIN_OVERLAP = 0.38;

  @TempDir
  static Path dir;

  private String night1;
  private String night2;
  private String night3;

  @BeforeAll
  void corpora(SparkSession spark) {
    night1 = dir.resolve("night1").toString();
    night2 = dir.resolve("night2").toString();
    night3 = dir.resolve("night3").toString();
    Dataset<Row> first = DemoCorpora.images(spark, ROWS, 51);
    first.write().parquet(night1);
    Dataset<Row> second = first.where("id >= 'img-" + String.format("%06d", REPLACED) + "'")
        .union(DemoCorpora.images(spark, REPLACED, 52).selectExpr("concat('new-', id) as id", "image", "label"));
    second.write().parquet(night2);
    // The same ids, every other image replaced by noise: the corpus looks whole, its content is not.
    List<Row> broken = new ArrayList<>();
    Random random = new Random(53);
    List<Row> rows = second.orderBy("id").collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      broken.add(i % 2 == 0 ? r : RowFactory.create(r.getString(0), noise(random), r.getString(2)));
    }
    spark.createDataFrame(broken, first.schema()).write().parquet(night3);
  }

  private static byte[] noise(Random random) {
    BufferedImage image = new BufferedImage(DemoCorpora.IMAGE_SIZE, DemoCorpora.IMAGE_SIZE,
        BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int v = random.nextInt(256);
        image.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return Png.encode(image);
  }

  private static CliErrorsTest.Outcome nightly(String out, String date, String input, String... sets) {
    List<String> args = new ArrayList<>(List.of("nightly", "--kind", "image", "--input", input, "--output", out,
        "--run-date", date, "--set", "train.epochs=4", "--set", "model.code-size=8", "--set", "cluster.k=5",
        "--set", "publish.gates.min-neighbor-overlap=" + MIN_OVERLAP,
        // Drift compares clusters and the report shows it; the index and evaluation add nothing here.
        "--set", "nightly.steps=[cluster, report]"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return CliErrorsTest.cli(args.toArray(String[]::new));
  }

  @Test
  void aWarmNightReportsItsDriftAndABrokenNightWaitsForReviewUntilPromoted() throws IOException {
    String out = dir.resolve("out").toString();
    CliErrorsTest.Outcome first = nightly(out, "2026-10-01", night1);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(json(Path.of(out, "reports", "run_date=2026-10-01", "metrics.json")).has("drift"))
        .as("no earlier partition, no drift").isFalse();

    CliErrorsTest.Outcome second = nightly(out, "2026-10-02", night2, "train.init=previous");
    assertThat(second.exitCode()).as(second.err()).isZero();
    JsonNode metrics = json(Path.of(out, "reports", "run_date=2026-10-02", "metrics.json"));
    JsonNode drift = metrics.get("drift");
    System.out.println("night 2 drift: " + drift);
    assertThat(drift.get("previous_run_date").asText()).isEqualTo("2026-10-01");
    assertThat(drift.get("rows_added").asLong()).isEqualTo(REPLACED);
    assertThat(drift.get("rows_removed").asLong()).isEqualTo(REPLACED);
    assertThat(drift.get("rows_kept").asLong()).isEqualTo(ROWS - REPLACED);
    assertThat(drift.get("aligned").asBoolean()).isTrue();
    assertThat(drift.get("neighbor_overlap").asDouble()).isGreaterThan(MIN_OVERLAP).isLessThanOrEqualTo(1.0);
    assertThat(drift.get("cluster_stability").asDouble()).isBetween(0.2, 1.0);
    assertThat(drift.get("code_distance_mean").asDouble()).isPositive()
        .isLessThanOrEqualTo(drift.get("code_distance_p95").asDouble());
    assertThat(drift.get("recon_error_ratio").asDouble()).isPositive().isLessThan(1.5);
    assertThat(metrics.get("status").asText()).isEqualTo("published");
    assertThat(metrics.findValuesAsText("gate")).containsExactly("max-recon-error-ratio", "min-neighbor-overlap");
    assertThat(Files.readString(Path.of(out, "reports", "run_date=2026-10-02", "report.html")))
        .contains("Drift from 2026-10-01", "Publish gates", "drift.png");
    assertThat(Path.of(out, "reports", "run_date=2026-10-02", "drift.png")).exists();

    Path publishedCodes = Path.of(out, "codes", "run_date=2026-10-02", "_MANIFEST.json");
    String codesBefore = Files.readString(publishedCodes);
    CliErrorsTest.Outcome third = nightly(out, "2026-10-03", night3, "train.init=previous");
    assertThat(third.exitCode()).as(third.err()).isEqualTo(7);
    assertThat(third.err()).contains("A publish gate stopped the run of 2026-10-03", "min-neighbor-overlap",
        "FAILED", "latentforge promote --run-date 2026-10-03");
    assertThat(Path.of(out, "codes", "run_date=2026-10-03")).doesNotExist();
    assertThat(Path.of(out, "reports", "run_date=2026-10-03")).doesNotExist();
    assertThat(Files.readString(publishedCodes)).isEqualTo(codesBefore);
    Path audit = onlyChild(Path.of(out, "_audit", "run_date=2026-10-03"));
    JsonNode gated = json(audit.resolve("reports").resolve("metrics.json"));
    System.out.println("night 3 drift: " + gated.get("drift"));
    assertThat(gated.get("status").asText()).isEqualTo("gated");
    assertThat(gated.at("/drift/neighbor_overlap").asDouble()).isLessThan(MIN_OVERLAP);
    assertThat(audit.resolve("codes").resolve("_MANIFEST.json")).exists();
    assertThat(audit.resolve("models").resolve("network.bin")).exists();
    try (Stream<Path> staged = Files.walk(Path.of(out))) {
      assertThat(staged.filter(p -> p.getFileName().toString().equals("_staging")).toList()).isEmpty();
    }

    CliErrorsTest.Outcome promoted = CliErrorsTest.cli("promote", "--output", out, "--run-date", "2026-10-03");
    assertThat(promoted.exitCode()).as(promoted.err()).isZero();
    JsonNode manifest = json(Path.of(out, "codes", "run_date=2026-10-03", "_MANIFEST.json"));
    assertThat(manifest.get("run_id").asText()).isEqualTo(audit.getFileName().toString());
    assertThat(Path.of(out, "models", manifest.get("model_id").asText(), "network.bin")).exists();
    JsonNode published = json(Path.of(out, "reports", "run_date=2026-10-03", "metrics.json"));
    assertThat(published.get("status").asText()).isEqualTo("promoted");
    assertThat(published.get("run_id").asText()).isEqualTo(audit.getFileName().toString());
    assertThat(json(Path.of(out, "clusters", "run_date=2026-10-03", "_MANIFEST.json")).get("run_id").asText())
        .isEqualTo(audit.getFileName().toString());
    assertThat(Path.of(out, "_audit")).doesNotExist();

    CliErrorsTest.Outcome again = CliErrorsTest.cli("promote", "--output", out, "--run-date", "2026-10-03");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("No run of 2026-10-03 is waiting for review");
  }

  private static Path onlyChild(Path parent) throws IOException {
    try (Stream<Path> children = Files.list(parent)) {
      List<Path> all = children.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }
}
