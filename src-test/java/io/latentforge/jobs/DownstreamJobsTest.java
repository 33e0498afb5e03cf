package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nightly} with every step after publishing, then {@code neighbors}, {@code cluster} and
 * {@code evaluate} on its codes, through the CLI on labelled generated corpora.
 */
@ExtendWith(SparkSessionExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DownstreamJobsTest {

  private static final String DATE = "2026-03-04";
  private static final int ROWS = 300;

  @TempDir
  static Path dir;

  private String images;
  private String documents;
  private String out;

  @BeforeAll
  void corpora(SparkSession spark) {
    images = dir.resolve("images").toString();
    documents = dir.resolve("documents").toString();
    out = dir.resolve("out").toString();
    DemoCorpora.images(spark, ROWS, 5).write().parquet(images);
    DemoCorpora.documents(spark, ROWS, 5).write().parquet(documents);
  }

  private static CliErrorsTest.Outcome cli(String... args) {
    return CliErrorsTest.cli(args);
  }

  private static void ok(CliErrorsTest.Outcome r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  private JsonNode metrics(String root) throws Exception {
    return new ObjectMapper().readTree(Path.of(root, "reports", "run_date=" + DATE, "metrics.json").toFile());
  }

  private static long rows(SparkSession spark, String table) {
    return spark.read().parquet(table + "/run_date=" + DATE).count();
  }

  @Test
  @Order(1)
  void nightlyPublishesNeighboursClustersEvaluationAndAReport(SparkSession spark) throws Exception {
    CliErrorsTest.Outcome r = cli("nightly", "--kind", "image", "--input", images, "--output", out, "--run-date", DATE,
        "--set", "model.type=denoising", "--set", "model.code-size=8", "--set", "train.epochs=12",
        "--set", "train.batch-size-per-worker=8", "--set", "train.validation-fraction=0.2", "--set", "cluster.k=5",
        "--set", "nightly.steps=[neighbors, cluster, evaluate, report]");
    ok(r);
    assertThat(r.out()).contains("clusters         kmeans, k=5", "evaluation", "report");

    assertThat(rows(spark, out + "/neighbors")).isEqualTo(ROWS * 10L);
    assertThat(rows(spark, out + "/clusters")).isEqualTo(ROWS);
    assertThat(rows(spark, out + "/cluster_centers")).isEqualTo(5);
    assertThat(spark.read().parquet(out + "/neighbors/run_date=" + DATE).columns())
        .containsExactly("query_id", "neighbor_id", "rank", "distance");
    assertThat(spark.read().parquet(out + "/clusters/run_date=" + DATE).columns())
        .containsExactly("id", "cluster", "distance");

    JsonNode m = metrics(out);
    assertThat(m.path("status").asText()).isEqualTo("published");
    assertThat(m.path("neighbors").path("rows").asLong()).isEqualTo(ROWS * 10L);
    assertThat(m.path("clustering").path("silhouette").asDouble()).isBetween(-1.0, 1.0);
    JsonNode evaluation = m.path("evaluation");
    assertThat(evaluation.path("codes_trained_on_evaluated_rows").asBoolean()).isFalse();
    assertThat(evaluation.path("labels").asInt()).isEqualTo(DemoCorpora.SHAPES.size());
    JsonNode reps = evaluation.path("representations");
    assertThat(reps.fieldNames()).toIterable().containsExactly("codes", "raw", "pca");
    // Five balanced shapes: chance is 0.2. Briefly trained on 240 rows, the codes must still do clearly better
    // (about 0.43 and 0.47 here; the demo's 2,000 rows give 0.77-0.86 precision@10, see the README).
    assertThat(reps.path("codes").path("precision_at_1").asDouble()).as(reps.toString()).isGreaterThan(0.3);
    assertThat(reps.path("codes").path("knn_accuracy").asDouble()).as(reps.toString()).isGreaterThan(0.3);
    // Under 51 evaluated rows, precision@50 counts all the others: the same for every representation.
    assertThat(evaluation.path("evaluated_rows").asInt()).isBetween(20, 50);
    assertThat(reps.path("raw").path("precision_at_50").asDouble()).isEqualTo(reps.path("codes").path("precision_at_50").asDouble());
    assertThat(reps.path("pca").path("dimensions").asInt()).isEqualTo(8);
    // Each baseline carries the codes' P@10 minus its own on the same queries, inside its interval.
    JsonNode againstPca = reps.path("pca").path("codes_minus_this_precision_at_10");
    assertThat(againstPca.path("difference").asDouble()).isCloseTo(reps.path("codes").path("precision_at_10").asDouble()
        - reps.path("pca").path("precision_at_10").asDouble(), org.assertj.core.api.Assertions.within(1e-6))
        .isBetween(againstPca.path("low_95").asDouble(), againstPca.path("high_95").asDouble());
    assertThat(reps.path("codes").has("codes_minus_this_precision_at_10")).isFalse();
    assertThat(reps.path("codes").path("mean_recon_error").asDouble())
        .isLessThan(evaluation.path("mean_input_recon_error").asDouble());

    Path report = Path.of(out, "reports", "run_date=" + DATE, "report.html");
    String html = Files.readString(report);
    assertThat(html).contains("Training", "Reconstructions", "corrupted (masking", "Evaluation on held-out rows",
        "Clustering", "Nearest neighbours", "Retrieval examples", "of PCA's error at the same number of dimensions",
        "codes_minus_this_precision_at_10");
    assertThat(reps.path("codes").path("recon_error_vs_pca").asDouble()).isCloseTo(
        reps.path("codes").path("mean_recon_error").asDouble() / reps.path("pca").path("mean_recon_error").asDouble(),
        org.assertj.core.api.Assertions.within(1e-9));
    List<BufferedImage> embedded = embeddedImages(html);
    assertThat(embedded).hasSize(6);
    for (String chart : List.of("loss.png", "reconstructions.png", "precision.png", "projection.png",
        "neighbors-codes.png", "neighbors-pca.png")) {
      BufferedImage png = ImageIO.read(report.resolveSibling(chart).toFile());
      assertThat(png).as(chart).isNotNull();
      assertThat(png.getWidth()).as(chart).isGreaterThan(300);
    }
  }

  /** Every data-URI image of the page, decoded: the page reads offline on its own. */
  private static List<BufferedImage> embeddedImages(String html) throws Exception {
    List<BufferedImage> images = new ArrayList<>();
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    while (m.find()) {
      images.add(ImageIO.read(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
    }
    assertThat(images).doesNotContainNull();
    return images;
  }

  @Test
  @Order(2)
  void neighboursOfGivenQueriesReplaceTheDatesPartition(SparkSession spark) throws Exception {
    Path queries = dir.resolve("queries");
    spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("img-000001"),
            org.apache.spark.sql.RowFactory.create("img-000002"), org.apache.spark.sql.RowFactory.create("img-000003")),
        new org.apache.spark.sql.types.StructType().add("id", org.apache.spark.sql.types.DataTypes.StringType))
        .write().parquet(queries.toString());
    ok(cli("neighbors", "--output", out, "--run-date", DATE, "--queries", queries.toString(), "--k", "3",
        "--metric", "euclidean"));
    List<Row> rows = spark.read().parquet(out + "/neighbors/run_date=" + DATE).orderBy("query_id", "rank").collectAsList();
    assertThat(rows).hasSize(9);
    assertThat(rows).extracting(r -> r.getString(0)).containsOnly("img-000001", "img-000002", "img-000003");
    assertThat(rows).allSatisfy(r -> assertThat(r.getString(1)).isNotEqualTo(r.getString(0)));
    JsonNode n = metrics(out).path("neighbors");
    assertThat(n.path("metric").asText()).isEqualTo("euclidean");
    assertThat(n.path("k").asInt()).isEqualTo(3);
    // Sections of other steps stay.
    assertThat(metrics(out).path("evaluation").path("representations").isObject()).isTrue();
  }

  @Test
  @Order(2)
  void queriesCanBringTheirOwnCodes(SparkSession spark) {
    Path queries = dir.resolve("new-items");
    Float[] zeros = new Float[8];
    java.util.Arrays.fill(zeros, 0f);
    Float[] ones = new Float[8];
    java.util.Arrays.fill(ones, 1f);
    spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("new-1", zeros),
            org.apache.spark.sql.RowFactory.create("new-2", ones)),
        new org.apache.spark.sql.types.StructType().add("id", org.apache.spark.sql.types.DataTypes.StringType)
            .add("code", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType)))
        .write().parquet(queries.toString());
    ok(cli("neighbors", "--output", out, "--run-date", DATE, "--queries", queries.toString(), "--k", "4",
        "--metric", "euclidean"));
    List<Row> rows = spark.read().parquet(out + "/neighbors/run_date=" + DATE).collectAsList();
    assertThat(rows).hasSize(8);
    assertThat(rows).extracting(r -> r.getString(0)).containsOnly("new-1", "new-2");
    assertThat(rows).extracting(r -> r.getString(1)).allMatch(id -> id.startsWith("img-"));
  }

  @Test
  @Order(3)
  void approximateNeighboursReportTheirRecall() throws Exception {
    ok(cli("neighbors", "--output", out, "--run-date", DATE, "--approximate", "--k", "5",
        "--set", "neighbors.approximate.bucket-rows=50", "--set", "neighbors.approximate.recall-queries=100"));
    JsonNode n = metrics(out).path("neighbors");
    assertThat(n.path("approximate").asBoolean()).isTrue();
    assertThat(n.path("recall_at_k").asDouble()).isBetween(0.5, 1.0);
  }

  @Test
  @Order(4)
  void clusterCommandTakesItsOwnKAndAlgorithm(SparkSession spark) throws Exception {
    CliErrorsTest.Outcome r = cli("cluster", "--output", out, "--run-date", DATE, "--k", "3", "--algorithm", "bisecting");
    ok(r);
    assertThat(rows(spark, out + "/cluster_centers")).isEqualTo(3);
    assertThat(spark.read().parquet(out + "/clusters/run_date=" + DATE).select("cluster").distinct().count()).isEqualTo(3);
    assertThat(metrics(out).path("clustering").path("algorithm").asText()).isEqualTo("bisecting");
  }

  @Test
  @Order(5)
  void evaluateRecomputesTheEvaluationAndRewritesTheReport() throws Exception {
    Path report = Path.of(out, "reports", "run_date=" + DATE, "report.html");
    Files.delete(report);
    CliErrorsTest.Outcome r = cli("evaluate", "--output", out, "--run-date", DATE, "--input", images, "--kind", "image");
    ok(r);
    assertThat(r.out()).contains("codes", "raw", "pca", "P@10");
    assertThat(Files.readString(report)).contains("Evaluation on held-out rows", "corrupted (masking");
    assertThat(metrics(out).path("evaluation").path("evaluated_rows").asInt()).isGreaterThan(20);
  }

  @Test
  @Order(6)
  void badRequestsFailBeforeAnyWork() {
    CliErrorsTest.Outcome hamming = cli("neighbors", "--output", out, "--run-date", DATE, "--metric", "hamming");
    assertThat(hamming.exitCode()).isEqualTo(2);
    assertThat(hamming.err()).contains("code_bits", "use cosine or euclidean");

    CliErrorsTest.Outcome noDate = cli("cluster", "--output", out, "--run-date", "2030-01-01");
    assertThat(noDate.exitCode()).isEqualTo(2);
    assertThat(noDate.err()).contains("No codes are published for 2030-01-01");

    CliErrorsTest.Outcome both = cli("neighbors", "--output", out, "--run-date", DATE, "--approximate", "--queries", "x");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--approximate");

    CliErrorsTest.Outcome badMetric = cli("neighbors", "--output", out, "--metric", "manhattan");
    assertThat(badMetric.exitCode()).isEqualTo(2);
    assertThat(badMetric.err()).contains("neighbors.metric", "manhattan");
  }

  @Test
  @Order(7)
  void documentsAreEvaluatedAgainstTfIdfToo() throws Exception {
    String docsOut = dir.resolve("out-docs").toString();
    ok(cli("nightly", "--kind", "text", "--input", documents, "--output", docsOut, "--run-date", DATE,
        "--set", "model.code-size=8", "--set", "train.epochs=10", "--set", "train.batch-size-per-worker=8",
        "--set", "train.validation-fraction=0.2", "--set", "nightly.steps=[evaluate, report]"));
    JsonNode reps = metrics(docsOut).path("evaluation").path("representations");
    assertThat(reps.fieldNames()).toIterable().containsExactly("codes", "raw", "pca", "tfidf");
    assertThat(reps.path("tfidf").path("precision_at_10").asDouble()).isGreaterThan(0.25);
    // The default features are tf-idf vectors, so they are the tf-idf baseline, with the same scores.
    assertThat(reps.path("tfidf")).isEqualTo(reps.path("raw"));
    String html = Files.readString(Path.of(docsOut, "reports", "run_date=" + DATE, "report.html"));
    assertThat(html).contains("tfidf", "Retrieval examples", "By codes", "By pca").doesNotContain("Reconstructions");
    // Each document query is listed with its label and first words, then its eight neighbours with theirs.
    String document = "<b>doc-\\d+</b> \\[\\w+\\] \\w+[\\w .]*";
    assertThat(html).containsPattern("<li>" + document + "<ol>(<li>" + document + "</li>){8}</ol></li>");
  }
}
