package io.latentforge.jobs;

import static io.latentforge.testing.TestFiles.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code encode --incremental}: with the model of the previous partition, rows whose content and
 * label are unchanged keep their codes, only the others are encoded, and the table is the one a
 * full encode writes (up to the float rounding by which two full encodes differ).
 */
@ExtendWith(SparkSessionExtension.class)
class IncrementalEncodeTest {

  private static final int ROWS = 200;
  private static final int CHANGED = 10;

  @TempDir
  Path dir;

  private static CliErrorsTest.Outcome run(String... args) {
    CliErrorsTest.Outcome outcome = CliErrorsTest.cli(args);
    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    return outcome;
  }

  private static Dataset<Row> corpus(SparkSession spark, String kind, int rows, long seed) {
    return kind.equals("image") ? DemoCorpora.images(spark, rows, seed) : DemoCorpora.documents(spark, rows, seed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "image"})
  void onlyNewAndChangedRowsAreEncodedAndTheTableIsTheFullEncodes(String kind, SparkSession spark) throws IOException {
    String first = dir.resolve("first").toString();
    String second = dir.resolve("second").toString();
    Dataset<Row> before = corpus(spark, kind, ROWS, 61);
    before.write().parquet(first);
    // The first CHANGED rows removed, the next CHANGED with other content under the same ids, CHANGED new ones.
    Dataset<Row> other = corpus(spark, kind, ROWS, 62);
    String content = kind.equals("image") ? "image" : "text";
    before.where("id >= " + id(kind, 2 * CHANGED))
        .union(other.where("id >= " + id(kind, CHANGED) + " and id < " + id(kind, 2 * CHANGED)))
        .union(other.where("id < " + id(kind, CHANGED)).selectExpr("concat('new-', id) as id", content, "label"))
        .write().parquet(second);

    String out = dir.resolve("out").toString();
    run("nightly", "--kind", kind, "--input", first, "--output", out, "--run-date", "2026-10-01",
        "--set", "train.epochs=1", "--set", "model.code-size=4", "--set", "nightly.steps=[]");
    String model = Path.of(out, "models", json(Path.of(out, "codes", "run_date=2026-10-01", "_MANIFEST.json"))
        .get("model_id").asText()).toString();
    // The nightly's partition has no content keys: every row is encoded, and keys are written.
    run("encode", "--model", model, "--kind", kind, "--input", first, "--output", out, "--run-date", "2026-10-02",
        "--incremental");
    assertThat(json(Path.of(out, "codes", "run_date=2026-10-02", "_MANIFEST.json")).has("step")).isFalse();
    assertThat(Path.of(out, "codes", "run_date=2026-10-02", "_content_keys")).isDirectory();

    String full = dir.resolve("full").toString();
    TestFiles.copyTree(Path.of(out), Path.of(full));
    run("encode", "--model", model, "--kind", kind, "--input", second, "--output", out, "--run-date", "2026-10-03",
        "--incremental");
    run("encode", "--model", model, "--kind", kind, "--input", second, "--output", full, "--run-date", "2026-10-03");

    JsonNode step = json(Path.of(out, "codes", "run_date=2026-10-03", "_MANIFEST.json")).get("step");
    assertThat(step.get("copied_rows").asLong()).isEqualTo(ROWS - 2 * CHANGED);
    assertThat(step.get("encoded_rows").asLong()).isEqualTo(2 * CHANGED);
    Dataset<Row> incremental = spark.read().parquet(Path.of(out, "codes", "run_date=2026-10-03").toString());
    Dataset<Row> encodedFully = spark.read().parquet(Path.of(full, "codes", "run_date=2026-10-03").toString());
    assertThat(incremental.schema()).isEqualTo(encodedFully.schema());
    // The same rows as a full encode, codes equal up to float rounding (a full encode itself puts a
    // row in batches of other sizes from run to run, and BLAS then sums in another order).
    List<Row> rows = incremental.orderBy("id").collectAsList();
    List<Row> expected = encodedFully.orderBy("id").collectAsList();
    assertThat(rows).hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      assertSameRow(rows.get(i), expected.get(i));
    }
    // Unchanged rows are copied, bit for bit, from the previous partition; changed ones are not.
    Dataset<Row> previous = spark.read().parquet(Path.of(out, "codes", "run_date=2026-10-02").toString());
    assertThat(incremental.intersect(previous).count()).isEqualTo(ROWS - 2 * CHANGED);

    // Nothing changed since: every row is copied, none encoded.
    run("encode", "--model", model, "--kind", kind, "--input", second, "--output", out, "--run-date", "2026-10-04",
        "--incremental");
    JsonNode unchanged = json(Path.of(out, "codes", "run_date=2026-10-04", "_MANIFEST.json"));
    assertThat(unchanged.at("/step/copied_rows").asLong()).isEqualTo(ROWS);
    assertThat(unchanged.at("/step/encoded_rows").asLong()).isZero();
    assertThat(spark.read().parquet(Path.of(out, "codes", "run_date=2026-10-04").toString()).exceptAll(incremental)
        .count()).isZero();
  }

  private static void assertSameRow(Row actual, Row expected) {
    assertThat(actual.getString(0)).isEqualTo(expected.getString(0));
    assertThat(actual.getAs("model_id").toString()).isEqualTo(expected.getAs("model_id").toString());
    assertThat((Object) actual.getAs("label")).isEqualTo(expected.getAs("label"));
    List<Float> a = actual.getList(actual.fieldIndex("code"));
    List<Float> e = expected.getList(expected.fieldIndex("code"));
    float largest = (float) e.stream().mapToDouble(v -> Math.abs(v)).max().orElse(0);
    for (int k = 0; k < e.size(); k++) {
      assertThat(a.get(k)).as("code %d of %s", k, actual.getString(0)).isCloseTo(e.get(k), within(1e-5f * (1 + largest)));
    }
    float error = expected.getAs("recon_error");
    assertThat((float) actual.getAs("recon_error")).isCloseTo(error, within(1e-4f * (1 + error)));
  }

  /** The quoted id of the demo corpus's row {@code i}. */
  private static String id(String kind, int i) {
    return String.format("'%s-%06d'", kind.equals("image") ? "img" : "doc", i);
  }
}
