package io.latentforge.jobs;

import static io.latentforge.testing.TestFiles.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.ImageFeatures;
import io.latentforge.config.TextFeatures;
import io.latentforge.features.image.ImageDecoder;
import io.latentforge.features.text.TextFeaturizer;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.schema.Columns;
import io.latentforge.testing.CodeTolerance;
import io.latentforge.testing.SparkSessionExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code latentforge nightly} through the CLI on generated corpora: the published code table, the
 * model directory, and reconstruction better than predicting the mean input.
 */
@ExtendWith(SparkSessionExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NightlyEndToEndTest {

  private static final String DATE = "2026-01-02";
  private static final int CODE_SIZE = 8;
  private static final int EPOCHS = 20;

  @TempDir
  static Path dir;

  private String images;
  private String documents;

  @BeforeAll
  void corpora(SparkSession spark) {
    images = dir.resolve("images").toString();
    documents = dir.resolve("documents").toString();
    DemoCorpora.images(spark, 400, 11).write().parquet(images);
    DemoCorpora.documents(spark, 400, 11).write().parquet(documents);
  }

  private static void nightly(String kind, String input, String out, String date, String... sets) {
    List<String> args = new java.util.ArrayList<>(List.of("nightly", "--kind", kind, "--input", input, "--output", out,
        "--run-date", date, "--set", "model.code-size=" + CODE_SIZE, "--set", "train.epochs=" + EPOCHS,
        // Small minibatches: 400 rows give few optimizer steps per epoch otherwise.
        "--set", "train.batch-size-per-worker=8",
        // These cases are about the codes and the model. The steps after them (index, clusters,
        // evaluation, report) are checked in DownstreamJobsTest, IndexPublishTest, KilledRerunTest,
        // IngestionEndToEndTest and HdfsNightlyTest, which run them.
        "--set", "nightly.steps=[]"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    CliErrorsTest.Outcome r = CliErrorsTest.cli(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("rows read        400", "loss per epoch", "/codes/run_date=" + date);
  }

  @Test
  void imageRunPublishesACompleteCodeTableAndAModelThatReproducesIt(SparkSession spark) throws Exception {
    String out = dir.resolve("out-images").toString();
    nightly("image", images, out, DATE);

    Dataset<Row> codes = spark.read().parquet(out + "/codes");
    assertCodeTableSchema(codes.schema());
    List<Row> rows = codes.where("run_date = '" + DATE + "'").collectAsList();
    assertThat(rows).hasSize(400);
    assertThat(rows.stream().map(r -> r.getString(0)).distinct().count()).isEqualTo(400);
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.getList(r.fieldIndex("code"))).hasSize(CODE_SIZE);
      assertThat(Float.isFinite(r.getFloat(r.fieldIndex("recon_error")))).isTrue();
    });

    // The baseline, computed here from the images themselves: predict every pixel as its mean.
    ImageDecoder decoder = new ImageDecoder(new ImageFeatures(28, 28, 1), 1_000_000);
    Map<String, double[]> pixels = spark.read().parquet(images).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> decodeUnchecked(decoder, (byte[]) r.get(1))));
    double meanRecon = rows.stream().mapToDouble(r -> r.getFloat(r.fieldIndex("recon_error"))).average().orElseThrow();
    double baseline = meanPredictorError(List.copyOf(pixels.values()));
    assertThat(meanRecon).isLessThan(0.7 * baseline);

    // model.json describes the model file, and the saved model reproduces the published codes.
    Path modelDir = Files.list(Path.of(out, "models")).findFirst().orElseThrow();
    JsonNode card = new ObjectMapper().readTree(modelDir.resolve("model.json").toFile());
    byte[] network = Files.readAllBytes(modelDir.resolve("network.bin"));
    assertThat(card.get("model_sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(network)));
    assertThat(card.get("files").get("network.bin").asText()).isEqualTo(card.get("model_sha256").asText());
    assertThat(card.get("rows").get("read").asLong()).isEqualTo(400);
    // At most the configured epochs (early stopping may end sooner), each with a validation error,
    // and the checkpoints moved under the published model: the last two and the best epoch's.
    assertThat(card.get("epochs").size()).isBetween(1, EPOCHS);
    assertThat(card.get("epochs").get(0).get("validation_loss").isNumber()).isTrue();
    assertThat(card.get("training").get("stop_reason").asText()).isNotBlank();
    assertThat(card.at("/training/batch_size_per_worker").asInt()).isEqualTo(8);
    try (var checkpoints = Files.list(modelDir.resolve("checkpoints"))) {
      assertThat(checkpoints.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .contains("best.network").filteredOn(n -> n.matches("epoch-\\d+\\.network")).hasSize(2);
    }
    assertThat(Path.of(out, "_checkpoints")).doesNotExist();
    assertThat(card.get("config").get("model").get("code-size").asInt()).isEqualTo(CODE_SIZE);
    // The default's linear codes are published centred: their mean over the corpus is zero.
    assertThat(card.get("codes_centred").asBoolean()).isTrue();
    for (int j = 0; j < CODE_SIZE; j++) {
      int dim = j;
      double mean = rows.stream().mapToDouble(r -> ((Number) r.getList(r.fieldIndex("code")).get(dim)).doubleValue())
          .average().orElseThrow();
      assertThat(mean).as("mean of code dimension %d", dim).isCloseTo(0.0, within(1e-3));
    }
    assertThat(rows.get(0).getString(rows.get(0).fieldIndex("model_id"))).isEqualTo(card.get("model_id").asText());

    MultiLayerNetwork net;
    try (java.io.InputStream in = Files.newInputStream(modelDir.resolve("network.bin"))) {
      net = io.latentforge.model.NetworkFormat.read(in, true, "network.bin");
    }
    Row first = rows.get(0);
    double[] x = pixels.get(first.getString(0));
    float[] code = net.feedForward(Nd4j.create(new double[][] {x}).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), false)
        .get(card.get("code_layer").asInt() + 1).toFloatVector();
    List<Float> published = first.getList(first.fieldIndex("code"));
    List<Float> single = new ArrayList<>();
    for (float v : code) {
      single.add(v);
    }
    CodeTolerance.assertSameCode("code of " + first.getString(0) + " encoded alone", published, single);
    assertThat(first.<Object>getAs("label")).isIn(DemoCorpora.SHAPES.toArray());
    assertThat(Path.of(out, "_scratch")).doesNotExist();
  }

  @Test
  void textRunBeatsTheMeanAndSavesTheVocabularyItUsed(SparkSession spark) throws Exception {
    String out = dir.resolve("out-text").toString();
    nightly("text", documents, out, DATE);

    Dataset<Row> codes = spark.read().parquet(out + "/codes");
    assertCodeTableSchema(codes.schema());
    assertThat(codes.count()).isEqualTo(400);

    Path modelDir = Files.list(Path.of(out, "models")).findFirst().orElseThrow();
    PipelineModel vocabulary = PipelineModel.load(modelDir.resolve("vocabulary").toString());
    Dataset<Row> corpus = CorpusSource.checkIds(spark.read().parquet(documents).withColumnRenamed("text", CorpusSource.CONTENT));
    Quarantine.Split featurized = TextFeaturizer.apply(corpus, vocabulary, ConfigLoader.load(null, List.of()).text());
    List<double[]> features = featurized.accepted().select(Columns.FEATURES).collectAsList().stream()
        .map(r -> ((Vector) r.get(0)).toArray()).toList();
    featurized.release();
    double meanRecon = codes.agg(org.apache.spark.sql.functions.avg("recon_error")).first().getDouble(0);
    assertThat(meanRecon).isLessThan(0.8 * meanPredictorError(features));
  }

  /**
   * Unit-length tf-idf vectors have squared errors far below 1: with a decoder variance of 1/2 the
   * KL term switched every code unit off and the VAE reconstructed about as the mean does (0.97 of
   * its error here).
   */
  @Test
  void aVaeOnDocumentsUsesItsCode() throws Exception {
    String out = dir.resolve("out-text-vae").toString();
    nightly("text", documents, out, DATE, "model.type=vae");
    Path modelDir = Files.list(Path.of(out, "models")).filter(p -> !p.getFileName().toString().startsWith("_"))
        .findFirst().orElseThrow();
    JsonNode metrics = json(modelDir.resolve("model.json")).get("metrics");
    double recon = metrics.get("mean_recon_error").asDouble();
    double mean = metrics.get("mean_input_baseline_error").asDouble();
    System.out.printf("text VAE: reconstruction %.4f, the mean's %.4f%n", recon, mean);
    assertThat(recon).isLessThan(0.8 * mean);
  }

  @Test
  void trainingStatisticsArePublishedAsDl4jsHtmlTimeline() throws Exception {
    String out = dir.resolve("out-stats").toString();
    nightly("text", documents, out, DATE, "train.epochs=2", "train.stats=true");
    Path modelDir = Files.list(Path.of(out, "models")).filter(p -> !p.getFileName().toString().startsWith("_"))
        .findFirst().orElseThrow();
    Path timeline = modelDir.resolve("checkpoints/training-stats/epoch-0002.html");
    assertThat(timeline).exists();
    assertThat(Files.readString(timeline)).containsIgnoringCase("<html").contains("ParameterAveraging");
  }

  @Test
  void aDivergingRunStopsWithExitCode5PublishesNothingAndSaysWhereItsMetricsAre() throws Exception {
    String out = dir.resolve("out-diverged").toString();
    CliErrorsTest.Outcome r = CliErrorsTest.cli("nightly", "--kind", "image", "--input", images, "--output", out,
        "--run-date", DATE, "--set", "train.updater=sgd", "--set", "train.learning-rate=1e12", "--set", "model.loss=mse",
        "--set", "train.epochs=3");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(5);
    assertThat(r.err()).contains("Training diverged at epoch", "lower train.learning-rate");
    java.util.regex.Matcher metrics = java.util.regex.Pattern.compile("Its metrics are in (\\S+metrics\\.json)")
        .matcher(r.err());
    assertThat(metrics.find()).as(r.err()).isTrue();
    JsonNode written = new ObjectMapper().readTree(Path.of(metrics.group(1)).toFile());
    assertThat(written.get("status").asText()).isEqualTo("diverged");
    assertThat(written.at("/rows/read").asLong()).isPositive();
    assertThat(Path.of(out, "codes")).doesNotExist();
    assertThat(Path.of(out, "reports")).doesNotExist();
    assertThat(Path.of(out, "models")).doesNotExist();
    assertThat(Path.of(out, "_lock")).doesNotExist();
  }

  /**
   * The disk fills while training (a checkpoint's write, on the driver) or while encoding (a code
   * file's write, in a task): Hadoop raises FSError, a Java Error, which picocli's handler never
   * sees and which reaches the driver from a task inside Spark's exception. Either way the run ends
   * with one latentforge line and exit code 1, leaves no lock and publishes nothing.
   */
  @ParameterizedTest
  @ValueSource(strings = {"_checkpoints", "codes/_staging"})
  void aFullDiskEndsWithOneLineExitCode1NoLockAndNothingPublished(String full, SparkSession spark) throws Exception {
    String out = dir.resolve("out-full-disk-" + full.replace('/', '-')).toString();
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.set("fs.file.impl", io.latentforge.testing.FullDiskFileSystem.class.getName());
    hadoop.setBoolean("fs.file.impl.disable.cache", true);
    hadoop.set(io.latentforge.testing.FullDiskFileSystem.FULL, full);
    CliErrorsTest.Outcome r;
    try {
      r = CliErrorsTest.cli("nightly", "--kind", "image", "--input", images, "--output", out, "--run-date", DATE,
          "--set", "train.epochs=2", "--set", "model.code-size=4");
    } finally {
      hadoop.unset("fs.file.impl");
      hadoop.unset("fs.file.impl.disable.cache");
      hadoop.unset(io.latentforge.testing.FullDiskFileSystem.FULL);
    }
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("latentforge: failed: the file system failed", "No space left on device",
        "free space");
    assertThat(Path.of(out, "_lock")).doesNotExist();
    assertThat(Path.of(out, "codes", "run_date=" + DATE)).doesNotExist();
    try (Stream<Path> left = Files.walk(Path.of(out))) {
      assertThat(left.map(p -> Path.of(out).relativize(p).toString()))
          .noneMatch(p -> p.startsWith("models/") || p.startsWith("codes/"));
    }
  }

  private static void assertCodeTableSchema(StructType schema) {
    assertThat(schema.fieldNames()).containsExactly("id", "code", "model_id", "recon_error", "label", "run_date");
    assertThat(schema.apply("id").dataType()).isEqualTo(DataTypes.StringType);
    assertThat(schema.apply("code").dataType()).isInstanceOf(ArrayType.class);
    assertThat(((ArrayType) schema.apply("code").dataType()).elementType()).isEqualTo(DataTypes.FloatType);
    assertThat(schema.apply("model_id").dataType()).isEqualTo(DataTypes.StringType);
    assertThat(schema.apply("recon_error").dataType()).isEqualTo(DataTypes.FloatType);
  }

  /** Mean over rows of the squared error of predicting each feature by its mean. */
  static double meanPredictorError(List<double[]> rows) {
    int d = rows.get(0).length;
    double[] mean = new double[d];
    for (double[] r : rows) {
      for (int j = 0; j < d; j++) {
        mean[j] += r[j] / rows.size();
      }
    }
    double total = 0;
    for (double[] r : rows) {
      for (int j = 0; j < d; j++) {
        total += (r[j] - mean[j]) * (r[j] - mean[j]);
      }
    }
    return total / rows.size();
  }

  private static double[] decodeUnchecked(ImageDecoder decoder, byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (ImageDecoder.RejectedImageException e) {
      throw new AssertionError(e);
    }
  }
}
