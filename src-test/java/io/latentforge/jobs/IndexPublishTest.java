package io.latentforge.jobs;

import static io.latentforge.testing.TestFiles.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.HaltingRun;
import io.latentforge.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HNSW index through the CLI: the nightly publishes one with its codes and searches through it;
 * an index that no longer fits the date's codes is refused, and rebuilt by {@code index} or a rerun;
 * a crash while an index is published leaves the previous one or the new one, whole.
 */
@ExtendWith(SparkSessionExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexPublishTest {

  private static final String DATE = "2026-09-01";
  private static final int ROWS = 240;

  @TempDir
  static Path dir;

  private String corpus;
  private Path published;

  @BeforeAll
  void nightlyWithTheIndexStep(SparkSession spark) {
    corpus = dir.resolve("docs").toString();
    DemoCorpora.documents(spark, ROWS, 3).repartition(2).write().parquet(corpus);
    published = dir.resolve("published");
    nightly(published, 42, "[index, neighbors, report]");
  }

  /** Every code a candidate (ef-search above the rows), so index and exact search must agree exactly. */
  private void nightly(Path out, int seed, String steps) {
    run("nightly", "--kind", "text", "--input", corpus, "--output", out.toString(), "--run-date", DATE,
        "--set", "train.epochs=1", "--set", "model.code-size=8", "--set", "neighbors.k=5",
        "--set", "index.shard-rows=100", "--set", "index.ef-search=" + ROWS, "--set", "index.min-rows=0",
        "--set", "train.seed=" + seed,
        "--set", "nightly.steps=" + steps);
  }

  private static CliErrorsTest.Outcome run(String... args) {
    CliErrorsTest.Outcome outcome = CliErrorsTest.cli(args);
    assertThat(outcome.exitCode()).as(String.join(" ", args) + "\n" + outcome.err()).isZero();
    return outcome;
  }

  private static String[] neighbors(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("neighbors", "--output", out.toString(), "--run-date", DATE,
        "--set", "neighbors.k=5", "--set", "index.ef-search=" + ROWS));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static JsonNode indexManifest(Path out) throws IOException {
    return json(out.resolve("indexes/run_date=" + DATE + "/_MANIFEST.json"));
  }

  private static JsonNode codesManifest(Path out) throws IOException {
    return json(out.resolve("codes/run_date=" + DATE + "/_MANIFEST.json"));
  }

  private static List<Row> neighborRows(SparkSession spark, Path out) {
    return spark.read().parquet(out.resolve("neighbors/run_date=" + DATE).toString())
        .orderBy("query_id", "rank").collectAsList();
  }

  @Test
  void theNightlyPublishesAnIndexAndSearchesThroughIt(SparkSession spark) throws IOException {
    JsonNode index = indexManifest(published);
    JsonNode codes = codesManifest(published);
    assertThat(index.get("model_id").asText()).isEqualTo(codes.get("model_id").asText());
    assertThat(index.get("run_id").asText()).isEqualTo(codes.get("run_id").asText());
    assertThat(index.get("code_rows").asLong()).isEqualTo(codes.get("row_count").asLong());
    assertThat(index.get("metric").asText()).isEqualTo("cosine");
    assertThat(index.get("similarity").asText()).isEqualTo("dot_product");
    assertThat(index.get("shards")).hasSizeGreaterThanOrEqualTo(2);
    for (JsonNode shard : index.get("shards")) {
      assertThat(published.resolve("indexes/run_date=" + DATE).resolve(shard.get("name").asText())).isDirectory();
    }
    JsonNode metrics = json(published.resolve("reports/run_date=" + DATE + "/metrics.json"));
    assertThat(metrics.at("/index/status").asText()).isEqualTo("published");
    assertThat(metrics.at("/index/recall_at_k").asDouble()).isEqualTo(1.0);
    assertThat(metrics.at("/index/queries_per_second").asDouble()).isPositive();
    // Three shards (240 codes, shard-rows 100) on the test session's 2 cores: each graph on one thread.
    assertThat(metrics.at("/index/build_threads").asInt()).isEqualTo(1);
    assertThat(metrics.at("/neighbors/method").asText()).isEqualTo("hnsw");
    assertThat(Files.readString(published.resolve("reports/run_date=" + DATE + "/report.html")))
        .contains("Similarity index (HNSW)", "recall_at_k");

    Path out = dir.resolve("searched");
    TestFiles.copyTree(published, out);
    List<Row> throughTheNightlysIndex = neighborRows(spark, out);
    assertThat(throughTheNightlysIndex).hasSize(ROWS * 5);
    run(neighbors(out));
    assertThat(neighborRows(spark, out)).as("exact search").isEqualTo(throughTheNightlysIndex);
    run(neighbors(out, "--index"));
    assertThat(neighborRows(spark, out)).as("neighbors --index").isEqualTo(throughTheNightlysIndex);
    assertThat(json(out.resolve("reports/run_date=" + DATE + "/metrics.json")).at("/neighbors/method").asText())
        .isEqualTo("hnsw");
  }

  @Test
  void anIndexThatNoLongerFitsTheCodesIsRefusedThenRebuilt() throws IOException {
    Path out = dir.resolve("stale");
    TestFiles.copyTree(published, out);
    Path other = dir.resolve("other");
    // With the default index.min-rows the step skips a corpus this small, and says why.
    run("nightly", "--kind", "text", "--input", corpus, "--output", other.toString(), "--run-date", DATE,
        "--set", "train.epochs=1", "--set", "model.code-size=8", "--set", "train.seed=7",
        "--set", "nightly.steps=[index, report]");
    JsonNode skipped = json(other.resolve("reports/run_date=" + DATE + "/metrics.json")).get("index");
    assertThat(skipped.get("status").asText()).isEqualTo("skipped");
    assertThat(skipped.get("reason").asText()).contains(ROWS + " codes, fewer than index.min-rows = 100000");
    assertThat(other.resolve("indexes/run_date=" + DATE)).doesNotExist();
    String otherModel = codesManifest(other).get("model_id").asText();
    String indexedModel = indexManifest(out).get("model_id").asText();
    assertThat(otherModel).isNotEqualTo(indexedModel);

    // Another model's codes for the date: the index of the earlier codes stays, and is refused.
    run("encode", "--model", other.resolve("models").resolve(otherModel).toString(), "--kind", "text",
        "--input", corpus, "--output", out.toString(), "--run-date", DATE);
    CliErrorsTest.Outcome refused = CliErrorsTest.cli(neighbors(out, "--index"));
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("does not fit its codes", indexedModel, otherModel,
        "latentforge index --output " + out);

    run("index", "--output", out.toString(), "--run-date", DATE, "--set", "index.ef-search=" + ROWS);
    assertThat(indexManifest(out).get("model_id").asText()).isEqualTo(otherModel);
    run(neighbors(out, "--index"));

    // A rerun of the date publishes an index of its own codes.
    nightly(out, 9, "[index, report]");
    JsonNode codes = codesManifest(out);
    assertThat(indexManifest(out).get("model_id").asText()).isEqualTo(codes.get("model_id").asText())
        .isNotEqualTo(otherModel);
    assertThat(indexManifest(out).get("run_id").asText()).isEqualTo(codes.get("run_id").asText());
    // A rerun without the index step removes the date's index, which would not fit its codes.
    nightly(out, 10, "[report]");
    assertThat(out.resolve("indexes/run_date=" + DATE)).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"index:staged", "commit:swapped indexes"})
  void aCrashWhilePublishingAnIndexLeavesTheOldOneOrTheNewOneWhole(String point) throws Exception {
    Path out = dir.resolve("killed-at-" + point.replaceAll("\\W", "-"));
    TestFiles.copyTree(published, out);
    byte[] before = Files.readAllBytes(out.resolve("indexes/run_date=" + DATE + "/_MANIFEST.json"));
    Path log = out.resolveSibling(out.getFileName() + ".log");
    assertThat(HaltingRun.run(point, log, List.of("index", "--output", out.toString(), "--run-date", DATE, "--set",
        "index.m=8", "--set", "index.ef-search=" + ROWS))).as("halted at " + point + ", see " + log).isEqualTo(137);

    // The next job on the root recovers under the lock, then searches the date's index.
    run(neighbors(out, "--index", "--set", "publish.retention=0s"));
    JsonNode index = indexManifest(out);
    if (point.startsWith("commit:")) {
      assertThat(index.get("m").asInt()).as("rolled forward to the rebuilt index").isEqualTo(8);
    } else {
      assertThat(Files.readAllBytes(out.resolve("indexes/run_date=" + DATE + "/_MANIFEST.json"))).isEqualTo(before);
    }
    for (JsonNode shard : index.get("shards")) {
      assertThat(out.resolve("indexes/run_date=" + DATE).resolve(shard.get("name").asText())).isDirectory();
    }
    try (Stream<Path> all = Files.walk(out.resolve("indexes"))) {
      assertThat(all.map(p -> out.relativize(p).toString()))
          .noneMatch(p -> p.contains("_staging") || p.contains("_trash") || p.contains("_attempts"));
    }
  }
}
