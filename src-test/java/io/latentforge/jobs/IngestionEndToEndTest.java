package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Real-world input layouts and bad rows through `nightly`, end to end. */
@ExtendWith(SparkSessionExtension.class)
class IngestionEndToEndTest {

  @TempDir
  Path dir;

  @Test
  void aHuggingFaceMnistStyleFileRunsWithNoOptionsBeyondKindInputOutput(SparkSession spark) {
    // The datasets layout: image struct<bytes, path>, int64 label, no id column.
    StructType hf = new StructType()
        .add("image", new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType))
        .add("label", DataTypes.LongType);
    List<Row> rows = DemoCorpora.images(spark, 200, 3).collectAsList().stream()
        .map(r -> RowFactory.create(RowFactory.create(r.get(1), null), (long) DemoCorpora.SHAPES.indexOf(r.getString(2))))
        .toList();
    String input = dir.resolve("mnist-like").toString();
    spark.createDataFrame(rows, hf).write().parquet(input);

    String out = dir.resolve("out").toString();
    CliErrorsTest.Outcome r = CliErrorsTest.cli("nightly", "--kind", "image", "--input", input, "--output", out);
    assertThat(r.exitCode()).as(r.err()).isZero();
    Dataset<Row> codes = spark.read().parquet(out + "/codes");
    assertThat(codes.count()).isEqualTo(200);
    assertThat(codes.collectAsList()).allSatisfy(c -> assertThat(c.getString(0)).matches("[0-9a-f]{64}"));
    assertThat(codes.schema().apply("label").dataType()).isEqualTo(DataTypes.LongType);

    // The same file, standardized per channel: trained with mse, and the statistics are recorded.
    String standardized = dir.resolve("out-std").toString();
    CliErrorsTest.Outcome s = CliErrorsTest.cli("nightly", "--kind", "image", "--input", input, "--output", standardized,
        "--set", "features.image.standardize=true", "--set", "train.epochs=3", "--set", "nightly.steps=[]");
    assertThat(s.exitCode()).as(s.err()).isZero();
    JsonNode card = readCard(standardized);
    assertThat(card.get("loss").asText()).isEqualTo("mse");
    assertThat(card.get("input").get("standardization").get("std").get(0).asDouble()).isPositive();
    // train.batch-size-per-worker = auto: 32 rows for each of local[2]'s two workers on so few rows.
    assertThat(card.at("/training/workers").asInt()).isEqualTo(2);
    assertThat(card.at("/training/batch_size_per_worker").asInt()).isEqualTo(32);
  }

  private static JsonNode readCard(String out) {
    try (var models = Files.list(Path.of(out, "models"))) {
      return new ObjectMapper().readTree(models.findFirst().orElseThrow().resolve("model.json").toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void tooManyRejectsFailsWithExitCode4PublishesNothingAndKeepsItsRejectsAndMetricsInItsOwnArea(SparkSession spark)
      throws Exception {
    String input = corpusWithBadRows(spark);
    String out = dir.resolve("strict").toString();
    CliErrorsTest.Outcome r = CliErrorsTest.cli("nightly", "--kind", "text", "--input", input, "--output", out,
        "--run-date", "2026-05-06");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(4);
    assertThat(r.err()).contains("18 of 118 rows", "input.max-reject-fraction = 0.01", "duplicate_id=5",
        "empty_text=4", "null_text=3", "no_vocabulary_tokens=6");
    java.util.regex.Matcher kept = java.util.regex.Pattern.compile("rejects are in (\\S+), its metrics in (\\S+)\\.")
        .matcher(r.err());
    assertThat(kept.find()).as(r.err()).isTrue();
    assertThat(kept.group(1)).startsWith(out + "/_runs/run_date=2026-05-06/");
    assertThat(spark.read().parquet(kept.group(1)).count()).isEqualTo(18);
    for (String published : List.of("codes", "models", "rejects", "reports")) {
      assertThat(Path.of(out, published)).doesNotExist();
    }
    JsonNode metrics = new ObjectMapper().readTree(Path.of(kept.group(2)).toFile());
    assertThat(metrics.get("status").asText()).isEqualTo("too_many_rejects");
    assertThat(metrics.get("rows").get("rejected").asLong()).isEqualTo(18);
  }

  @Test
  void everyRowReadIsEitherFeaturizedOrRejected(SparkSession spark) throws Exception {
    String input = corpusWithBadRows(spark);
    String out = dir.resolve("lenient").toString();
    CliErrorsTest.Outcome r = CliErrorsTest.cli("nightly", "--kind", "text", "--input", input, "--output", out,
        "--run-date", "2026-05-06", "--set", "input.max-reject-fraction=0.2", "--set", "train.epochs=2",
        "--set", "nightly.steps=[]");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("rows read        118", "rows featurized  100", "rows rejected    18");
    long codes = spark.read().parquet(out + "/codes").count();
    Map<String, Long> rejects = spark.read().parquet(out + "/rejects").groupBy("reason").count().collectAsList().stream()
        .collect(Collectors.toMap(x -> x.getString(0), x -> x.getLong(1)));
    assertThat(codes + rejects.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(118);
    assertThat(rejects).containsExactlyInAnyOrderEntriesOf(Map.of(
        "duplicate_id", 5L, "empty_text", 4L, "null_text", 3L, "no_vocabulary_tokens", 6L));
    JsonNode metrics = new ObjectMapper().readTree(Path.of(out, "reports", "run_date=2026-05-06", "metrics.json").toFile());
    assertThat(metrics.get("status").asText()).isEqualTo("published");
    assertThat(metrics.get("rows").get("rejects_by_reason").get("duplicate_id").asLong()).isEqualTo(5);
    assertThat(Files.exists(Path.of(out, "codes", "run_date=2026-05-06"))).isTrue();
  }

  /** 100 good documents, then 5 repeated ids, 4 blank, 3 null and 6 with only unknown words. */
  private String corpusWithBadRows(SparkSession spark) {
    List<Row> rows = new ArrayList<>(DemoCorpora.documents(spark, 100, 5).select("id", "text").collectAsList());
    for (int i = 0; i < 5; i++) {
      rows.add(RowFactory.create(rows.get(i).getString(0), "router packet again"));
    }
    for (int i = 0; i < 4; i++) {
      rows.add(RowFactory.create("blank-" + i, i % 2 == 0 ? "" : " \n\t "));
    }
    for (int i = 0; i < 3; i++) {
      rows.add(RowFactory.create("null-" + i, null));
    }
    for (int i = 0; i < 6; i++) {
      // Each word occurs once in the corpus, below min-df, so none is in the vocabulary.
      rows.add(RowFactory.create("unknown-" + i, "zzyzx" + i + " qwerty" + i));
    }
    String input = dir.resolve("docs-" + System.nanoTime()).toString();
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType))
        .coalesce(1).write().parquet(input);
    return input;
  }
}
