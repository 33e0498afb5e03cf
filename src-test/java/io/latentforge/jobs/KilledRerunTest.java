package io.latentforge.jobs;

import static io.latentforge.testing.TestFiles.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.TestFiles;
import io.latentforge.testing.HaltingRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rerun of a published date killed (the JVM halted, as kill -9 would) at each stage boundary,
 * before its commit point and between the renames of its commit; then the next run, of another
 * date, starts. Afterwards the date's model, codes, rejects, step tables and metrics must all be
 * those of one run: the first one's, byte for byte, when the rerun died before its commit point,
 * the rerun's when it died after.
 */
@ExtendWith(SparkSessionExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledRerunTest {

  private static final String DATE = "2026-06-01";
  private static final String NEXT_DATE = "2026-06-02";
  private static final List<String> TABLES = List.of("codes", "rejects", "neighbors", "clusters", "cluster_centers");

  @TempDir
  static Path dir;

  private String corpus;
  private Path published;
  private String firstRun;
  private Map<String, String> firstRunFiles;

  @BeforeAll
  void firstRunOfTheDate(SparkSession spark) throws IOException {
    corpus = dir.resolve("docs").toString();
    List<Row> rows = new ArrayList<>(DemoCorpora.documents(spark, 120, 5).collectAsList());
    rows.add(RowFactory.create("empty-1", "", "a"));
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType)
        .add("label", DataTypes.StringType);
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(corpus);
    published = dir.resolve("published");
    CliErrorsTest.Outcome first = CliErrorsTest.cli(args(published, DATE, "train.seed=42"));
    assertThat(first.exitCode()).as(first.err()).isZero();
    firstRun = manifest(published, "codes").get("run_id").asText();
    firstRunFiles = checksums(published);
  }

  private String[] args(Path out, String date, String... sets) {
    List<String> args = new ArrayList<>(List.of("nightly", "--kind", "text", "--input", corpus, "--output",
        out.toString(), "--run-date", date, "--set", "train.epochs=1", "--set", "model.code-size=4", "--set",
        "input.max-reject-fraction=0.05", "--set", "cluster.k=3", "--set", "neighbors.k=3", "--set",
        "nightly.steps=[neighbors, cluster, evaluate, report]"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return args.toArray(String[]::new);
  }

  @ParameterizedTest
  // The last point before the commit point, and a kill halfway through the renames: the model and
  // codes swapped, the other tables and the report not yet, so the recovery makes the remaining
  // swaps as it would make all of them after a kill at the commit point itself. Each case starts
  // a JVM and runs two nightlies (about 50 s); the other points (codes or rejects staged, the intent
  // written, the model swapped, replaced partitions removed) end as their neighbours here do, and
  // DateCommitTest recovers, within one JVM, a commit stopped between the two renames of a swap.
  @ValueSource(strings = {"nightly:steps-staged", "commit:swapped codes"})
  void aRerunKilledAtAnyPointLeavesTheDateToExactlyOneRun(String point) throws Exception {
    Path out = dir.resolve("killed-at-" + point.replaceAll("\\W", "-"));
    TestFiles.copyTree(published, out);
    Path log = out.resolveSibling(out.getFileName() + ".log");
    assertThat(HaltingRun.run(point, log, List.of(args(out, DATE, "train.seed=7")))).as("halted at " + point + ", see "
        + log).isEqualTo(137);

    // The next run recovers the killed one when it takes the lock, before its own work: its steps
    // would only cost time.
    CliErrorsTest.Outcome next = CliErrorsTest.cli(args(out, NEXT_DATE, "train.seed=42", "publish.retention=0s",
        "nightly.steps=[]"));
    assertThat(next.exitCode()).as(next.err()).isZero();

    String run = manifest(out, "codes").get("run_id").asText();
    boolean committed = point.startsWith("commit:");
    assertThat(run.equals(firstRun)).as("the codes' run after a kill at " + point).isEqualTo(!committed);
    for (String table : TABLES) {
      assertThat(manifest(out, table).get("run_id").asText()).as(table).isEqualTo(run);
    }
    JsonNode metrics = json(out.resolve("reports/run_date=" + DATE + "/metrics.json"));
    assertThat(metrics.get("run_id").asText()).isEqualTo(run);
    String modelId = manifest(out, "codes").get("model_id").asText();
    assertThat(metrics.get("model_id").asText()).isEqualTo(modelId);
    Path model = out.resolve("models").resolve(modelId);
    assertThat(json(model.resolve("model.json")).get("model_id").asText()).isEqualTo(modelId);
    assertThat(sha256(model.resolve("network.bin"))).isEqualTo(manifest(out, "codes").get("model_sha256").asText());
    if (!committed) {
      Map<String, String> files = checksums(out);
      firstRunFiles.forEach((file, sum) -> assertThat(files.get(file)).as(file).isEqualTo(sum));
    }
    try (Stream<Path> all = Files.walk(out)) {
      assertThat(all.map(p -> out.relativize(p).toString()))
          .noneMatch(p -> p.contains("_staging") || p.contains("_trash") || p.contains("_commits")
              || p.contains("_checkpoints") || p.equals("_lock"));
    }
  }

  private static JsonNode manifest(Path out, String table) throws IOException {
    return json(out.resolve(table).resolve("run_date=" + DATE).resolve("_MANIFEST.json"));
  }

  /** Every file of the date's outputs (model, tables, report) by path, with its SHA-256. */
  private static Map<String, String> checksums(Path out) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> all = Files.walk(out)) {
      for (Path file : all.filter(Files::isRegularFile).toList()) {
        String name = out.relativize(file).toString();
        if (name.contains("run_date=" + DATE) || name.startsWith("models/")) {
          sums.put(name, sha256(file));
        }
      }
    }
    return sums;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
