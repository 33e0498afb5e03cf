package io.latentforge.jobs;

import static io.latentforge.testing.TestFiles.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.CodeTolerance;
import io.latentforge.testing.FailingCommitProtocol;
import io.latentforge.testing.SparkSessionExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The code table as downstream readers see it: complete and consistent, or the previous version. */
@ExtendWith(SparkSessionExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishingTest {

  @TempDir
  static Path dir;

  private String documents;
  private String moreDocuments;

  @BeforeAll
  void corpora(SparkSession spark) {
    documents = dir.resolve("docs").toString();
    moreDocuments = dir.resolve("more-docs").toString();
    DemoCorpora.documents(spark, 200, 21).write().parquet(documents);
    // The first 50 documents again, plus 100 new ones.
    DemoCorpora.documents(spark, 200, 21).limit(50).union(DemoCorpora.documents(spark, 100, 22)
        .selectExpr("concat('new-', id) as id", "text", "label")).write().parquet(moreDocuments);
  }

  private static CliErrorsTest.Outcome nightly(String out, String date, String... sets) {
    List<String> args = new ArrayList<>(List.of("nightly", "--kind", "text", "--input", dir.resolve("docs").toString(),
        "--output", out, "--run-date", date, "--set", "train.epochs=1", "--set", "model.code-size=8",
        // These tests are about the codes and the model; the steps after them are checked in
        // DownstreamJobsTest, IndexPublishTest and KilledRerunTest.
        "--set", "nightly.steps=[]"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return CliErrorsTest.cli(args.toArray(String[]::new));
  }

  @Test
  void encodeWithASavedModelReproducesItsCodesAndCarriesNewDocuments(SparkSession spark) throws Exception {
    String out = dir.resolve("encode").toString();
    // A scale other than 1 is recorded in the model, and encode must apply it to reproduce the codes.
    assertThat(nightly(out, "2026-02-01", "features.text.scale=10").exitCode()).isZero();
    Path model = onlyModel(out);
    assertThat(json(model.resolve("model.json")).get("input").get("scale").asDouble()).isEqualTo(10.0);
    // train.target-neighbours = auto: documents are trained on their neighbourhoods.
    assertThat(json(model.resolve("model.json")).get("training").get("target_neighbours").asInt()).isEqualTo(10);

    CliErrorsTest.Outcome r = CliErrorsTest.cli("encode", "--model", model.toString(), "--kind", "text",
        "--input", moreDocuments, "--output", out, "--run-date", "2026-02-02");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("encode text run 2026-02-02", "rows read        150");

    Map<String, List<Float>> trained = codes(spark, out, "2026-02-01");
    Map<String, List<Float>> encoded = codes(spark, out, "2026-02-02");
    assertThat(encoded).hasSize(150);
    for (String id : List.of("doc-000000", "doc-000017", "doc-000049")) {
      CodeTolerance.assertSameCode(id, encoded.get(id), trained.get(id));
    }
    JsonNode manifest = json(Path.of(out, "codes", "run_date=2026-02-02", "_MANIFEST.json"));
    JsonNode card = json(model.resolve("model.json"));
    assertThat(manifest.get("row_count").asLong()).isEqualTo(150);
    assertThat(manifest.get("model_id").asText()).isEqualTo(card.get("model_id").asText());
    assertThat(manifest.get("model_sha256").asText()).isEqualTo(card.get("model_sha256").asText());
    assertThat(manifest.get("code_size").asInt()).isEqualTo(8);
    assertThat(manifest.get("input_path").asText()).isEqualTo(moreDocuments);
    assertThat(manifest.get("reject_count").asLong()).isZero();
    assertThat(manifest.has("created")).isTrue();

    CliErrorsTest.Outcome wrongKind = CliErrorsTest.cli("encode", "--model", model.toString(), "--kind", "image",
        "--input", moreDocuments, "--output", out);
    assertThat(wrongKind.exitCode()).isEqualTo(2);
    assertThat(wrongKind.err()).contains("encodes text corpora");
  }

  @Test
  void rerunningADateLeavesOtherDatesByteIdenticalAndGivesTheSameRows(SparkSession spark) throws Exception {
    String out = dir.resolve("rerun").toString();
    assertThat(nightly(out, "2026-03-01").exitCode()).isZero();
    assertThat(nightly(out, "2026-03-02").exitCode()).isZero();
    Map<String, String> before = checksums(Path.of(out, "codes", "run_date=2026-03-01"));
    Map<String, List<Float>> firstRun = codes(spark, out, "2026-03-02");

    assertThat(nightly(out, "2026-03-02").exitCode()).isZero();
    assertThat(checksums(Path.of(out, "codes", "run_date=2026-03-01"))).isEqualTo(before);
    // Bit-exact: the same JVM, corpus, partitions, batches and thread count, and two workers, whose
    // parameter sum a + b is the same float whichever task finishes first.
    assertThat(codes(spark, out, "2026-03-02")).isEqualTo(firstRun);
    try (Stream<Path> entries = Files.list(Path.of(out, "codes"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("run_date=2026-03-01", "run_date=2026-03-02");
    }
  }

  @Test
  void aCrashAtCommitLeavesThePublishedPartitionIntactAndNothingHalfWritten(SparkSession spark) throws Exception {
    String out = dir.resolve("crash").toString();
    assertThat(nightly(out, "2026-04-01").exitCode()).isZero();
    Map<String, String> published = checksums(Path.of(out, "codes", "run_date=2026-04-01"));

    spark.conf().set("spark.sql.sources.commitProtocolClass", FailingCommitProtocol.class.getName());
    CliErrorsTest.Outcome crashed;
    try {
      crashed = nightly(out, "2026-04-01", "train.seed=7");
    } finally {
      spark.conf().unset("spark.sql.sources.commitProtocolClass");
    }
    assertThat(crashed.exitCode()).isEqualTo(1);
    assertThat(crashed.err()).contains("injected failure at job commit");
    assertThat(checksums(Path.of(out, "codes", "run_date=2026-04-01"))).isEqualTo(published);
    assertThat(spark.read().parquet(out + "/codes").count()).isEqualTo(200);
    assertThat(Path.of(out, "codes", "_staging")).doesNotExist();
    assertThat(Path.of(out, "_lock")).doesNotExist();
    // The model of the failed run was staged only: the published models are the first run's.
    try (Stream<Path> models = Files.list(Path.of(out, "models"))) {
      assertThat(models.map(p -> p.getFileName().toString())).hasSize(1).allMatch(n -> !n.startsWith("_"));
    }
  }

  /**
   * A run that fails after training (here when its code table is committed) keeps its checkpoints,
   * and its rerun resumes from them; once the corpus at the same path has been replaced, the rerun
   * starts from scratch instead of resuming a model of the old corpus.
   */
  @Test
  void checkpointsAreResumedOnlyForTheCorpusTheyWereWrittenFor(SparkSession spark) throws Exception {
    String corpus = dir.resolve("replaced-docs").toString();
    DemoCorpora.documents(spark, 120, 31).write().parquet(corpus);
    String out = dir.resolve("fingerprint").toString();
    String[] nightly = {"nightly", "--kind", "text", "--input", corpus, "--output", out, "--run-date", "2026-07-01",
        "--set", "train.epochs=2", "--set", "model.code-size=4", "--set", "nightly.steps=[]"};

    assertThat(crashingAtCommit(spark, nightly).exitCode()).isEqualTo(1);
    assertThat(CliErrorsTest.cli(nightly).exitCode()).isZero();
    assertThat(json(onlyModel(out).resolve("model.json")).at("/training/resumed_from_epoch").asInt()).isEqualTo(2);

    assertThat(crashingAtCommit(spark, nightly).exitCode()).isEqualTo(1);
    DemoCorpora.documents(spark, 120, 32).write().mode("overwrite").parquet(corpus);
    assertThat(CliErrorsTest.cli(nightly).exitCode()).isZero();
    assertThat(json(onlyModel(out).resolve("model.json")).at("/training/resumed_from_epoch").asInt()).isZero();
  }

  private static CliErrorsTest.Outcome crashingAtCommit(SparkSession spark, String... args) {
    spark.conf().set("spark.sql.sources.commitProtocolClass", FailingCommitProtocol.class.getName());
    try {
      return CliErrorsTest.cli(args);
    } finally {
      spark.conf().unset("spark.sql.sources.commitProtocolClass");
    }
  }

  @Test
  void encodingImagesPublishesCodesAndRejectsFromOnePassAndSurvivesACrashAtCommit(SparkSession spark) throws Exception {
    String images = dir.resolve("images").toString();
    StructType schema = new StructType().add("id", DataTypes.StringType).add("image", DataTypes.BinaryType)
        .add("label", DataTypes.StringType);
    List<Row> rows = new ArrayList<>(DemoCorpora.images(spark, 150, 31).collectAsList());
    rows.add(RowFactory.create("not-an-image", new byte[] {1, 2, 3}, "ring"));
    rows.add(RowFactory.create("no-image", null, "ring"));
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(images);
    String out = dir.resolve("encode-images").toString();
    String[] lenient = {"--set", "input.max-reject-fraction=0.05"};
    CliErrorsTest.Outcome trained = CliErrorsTest.cli(concat(new String[] {"nightly", "--kind", "image", "--input", images,
        "--output", out, "--run-date", "2026-08-01", "--set", "train.epochs=1", "--set", "model.code-size=8",
        "--set", "nightly.steps=[]"}, lenient));
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    Path model = onlyModel(out);

    String[] encode = concat(new String[] {"encode", "--model", model.toString(), "--kind", "image", "--input", images,
        "--output", out, "--run-date", "2026-08-02"}, lenient);
    CliErrorsTest.Outcome r = CliErrorsTest.cli(encode);
    assertThat(r.exitCode()).as(r.err()).isZero();
    Map<String, List<Float>> nightlyCodes = codes(spark, out, "2026-08-01");
    Map<String, List<Float>> encoded = codes(spark, out, "2026-08-02");
    assertThat(encoded).hasSize(150).containsOnlyKeys(nightlyCodes.keySet());
    encoded.forEach((id, code) -> CodeTolerance.assertSameCode(id, code, nightlyCodes.get(id)));
    assertThat(spark.read().parquet(out + "/rejects/run_date=2026-08-02").collectAsList())
        .extracting(row -> row.getString(0) + ":" + row.getString(1))
        .containsExactlyInAnyOrder("not-an-image:undecodable_image", "no-image:null_image");
    JsonNode manifest = json(Path.of(out, "codes", "run_date=2026-08-02", "_MANIFEST.json"));
    assertThat(manifest.get("row_count").asLong()).isEqualTo(150);
    assertThat(manifest.get("reject_count").asLong()).isEqualTo(2);
    JsonNode metrics = json(Path.of(out, "reports", "run_date=2026-08-02", "metrics.json"));
    JsonNode nightlyMetrics = json(Path.of(out, "reports", "run_date=2026-08-01", "metrics.json"));
    assertThat(metrics.at("/rows/read").asLong()).isEqualTo(152);
    // The same images through the same model: the nightly's errors, from the tasks' own statistics.
    for (String metric : List.of("/metrics/mean_recon_error", "/metrics/mean_input_baseline_error")) {
      double expected = nightlyMetrics.at(metric).asDouble();
      assertThat(expected).as(metric).isPositive();
      assertThat(metrics.at(metric).asDouble()).as(metric).isCloseTo(expected, within(1e-4 * expected));
    }

    Map<String, String> codesBefore = checksums(Path.of(out, "codes", "run_date=2026-08-02"));
    Map<String, String> rejectsBefore = checksums(Path.of(out, "rejects", "run_date=2026-08-02"));
    spark.conf().set("spark.sql.sources.commitProtocolClass", FailingCommitProtocol.class.getName());
    CliErrorsTest.Outcome crashed;
    try {
      crashed = CliErrorsTest.cli(encode);
    } finally {
      spark.conf().unset("spark.sql.sources.commitProtocolClass");
    }
    assertThat(crashed.exitCode()).isEqualTo(1);
    assertThat(crashed.err()).contains("injected failure at job commit");
    assertThat(checksums(Path.of(out, "codes", "run_date=2026-08-02"))).isEqualTo(codesBefore);
    assertThat(checksums(Path.of(out, "rejects", "run_date=2026-08-02"))).isEqualTo(rejectsBefore);
    assertThat(Path.of(out, "codes", "_staging")).doesNotExist();
    assertThat(Path.of(out, "rejects", "_staging")).doesNotExist();
    assertThat(Path.of(out, "_lock")).doesNotExist();
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  @Test
  void aSecondWriterOfTheSameOutputRootFailsFast() throws Exception {
    String out = dir.resolve("locked").toString();
    Files.createDirectories(Path.of(out));
    long livePid = ProcessHandle.current().pid();
    Files.writeString(Path.of(out, "_lock"), "{\"holder\":\"nightly other-run\",\"host\":\""
        + InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + livePid + ",\"since\":\"2026-01-01T00:00:00Z\"}");
    CliErrorsTest.Outcome r = nightly(out, "2026-05-01");
    assertThat(r.exitCode()).isEqualTo(6);
    assertThat(r.err()).contains("is locked by nightly other-run", "pid " + livePid, "delete");
    assertThat(Path.of(out, "codes")).doesNotExist();

    // A lock whose process has ended on this host is stale: taken over.
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Files.writeString(Path.of(out, "_lock"), "{\"holder\":\"nightly crashed\",\"host\":\""
        + InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + ended.pid() + ",\"since\":\"2026-01-01T00:00:00Z\"}");
    assertThat(nightly(out, "2026-05-01").exitCode()).isZero();
    assertThat(Path.of(out, "_lock")).doesNotExist();
  }

  @Test
  void aDifferentCodeSizeIsRefusedAndATamperedModelIsNotLoaded(SparkSession spark) throws Exception {
    String out = dir.resolve("sizes").toString();
    assertThat(nightly(out, "2026-06-01").exitCode()).isZero();
    CliErrorsTest.Outcome bigger = nightly(out, "2026-06-02", "model.code-size=16");
    assertThat(bigger.exitCode()).isEqualTo(2);
    assertThat(bigger.err()).contains("another shape than 16", "run_date=2026-06-01=8");
    CliErrorsTest.Outcome binary = nightly(out, "2026-06-02", "model.binary-codes=true");
    assertThat(binary.exitCode()).isEqualTo(2);
    assertThat(binary.err()).contains("another shape than 8 binary", "run_date=2026-06-01=8");
    // The same date may change size: its partition is replaced whole.
    assertThat(nightly(out, "2026-06-01", "model.code-size=16").exitCode()).isZero();

    List<Path> models;
    try (Stream<Path> list = Files.list(Path.of(out, "models"))) {
      models = list.filter(p -> p.getFileName().toString().contains("2026-06-01")).sorted().toList();
    }
    assertThat(models).hasSize(2);
    flipAByte(models.get(0), "network.bin");
    CliErrorsTest.Outcome tampered = encodeWith(models.get(0));
    assertThat(tampered.exitCode()).isEqualTo(3);
    assertThat(tampered.err()).contains("Refusing to load", "the SHA-256 of network.bin is", "model.json records");

    // The vocabulary is the model's too: a changed term list would shift every document's features.
    Path vocabularyFile;
    try (Stream<Path> files = Files.walk(models.get(1).resolve("vocabulary"))) {
      vocabularyFile = files.filter(p -> Files.isRegularFile(p) && p.toString().contains("metadata")
          && !p.getFileName().toString().startsWith(".") && p.toFile().length() > 10).findFirst().orElseThrow();
    }
    flipAByte(vocabularyFile.getParent(), vocabularyFile.getFileName().toString());
    CliErrorsTest.Outcome vocabulary = encodeWith(models.get(1));
    assertThat(vocabulary.exitCode()).isEqualTo(3);
    assertThat(vocabulary.err()).contains("Refusing to load", "the SHA-256 of vocabulary/");
  }

  /** Changes one byte of {@code dir/name}; without Hadoop's local .crc file only the card's SHA-256 can tell. */
  private static void flipAByte(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    Files.deleteIfExists(dir.resolve("." + name + ".crc"));
  }

  private CliErrorsTest.Outcome encodeWith(Path model) {
    return CliErrorsTest.cli("encode", "--model", model.toString(), "--kind", "text", "--input", documents, "--output",
        dir.resolve("tampered").toString());
  }

  @Test
  void theCodeTableCanBeQueriedByNameInTheCatalog(SparkSession spark) {
    String out = dir.resolve("catalog").toString();
    assertThat(nightly(out, "2026-07-01", "output.table=demo_codes").exitCode()).isZero();
    assertThat(nightly(out, "2026-07-02", "output.table=demo_codes").exitCode()).isZero();
    List<Row> perDate = spark.sql("SELECT run_date, count(*) FROM demo_codes GROUP BY run_date ORDER BY run_date").collectAsList();
    assertThat(perDate).extracting(r -> r.get(0).toString() + "=" + r.getLong(1))
        .containsExactly("2026-07-01=200", "2026-07-02=200");
  }

  private static Map<String, List<Float>> codes(SparkSession spark, String out, String date) {
    return spark.read().parquet(out + "/codes/run_date=" + date).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getList(1)));
  }

  private static Path onlyModel(String out) throws IOException {
    try (Stream<Path> models = Files.list(Path.of(out, "models"))) {
      return models.findFirst().orElseThrow();
    }
  }

  private static Map<String, String> checksums(Path partition) throws IOException {
    try (Stream<Path> files = Files.list(partition)) {
      return files.collect(Collectors.toMap(p -> p.getFileName().toString(), p -> {
        try {
          return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (Exception e) {
          throw new UncheckedIOException(new IOException(e));
        }
      }, (a, b) -> a, TreeMap::new));
    }
  }
}
