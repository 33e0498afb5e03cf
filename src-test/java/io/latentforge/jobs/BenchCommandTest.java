package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs and reports a rate per corpus (its figures are for the notes, not asserted). */
@ExtendWith(SparkSessionExtension.class)
class BenchCommandTest {

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

  @Test
  void encodeReportsTheBareForwardPassAndBothSparkPaths() {
    CliErrorsTest.Outcome r = CliErrorsTest.cli("bench", "encode", "--rows", "80", "--repeats", "1",
        "--output", dir.toString(), "--set", "model.encoder-layers=[16]", "--set", "model.code-size=4");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("encode benchmark: 80 rows, model denoising [16]->4")
        .containsPattern("bare forward pass .* [0-9]+ rows/s")
        .containsPattern("featurized Parquet to codes +[0-9]+ rows/s +\\([0-9.]+ of bare\\)")
        .containsPattern("corpus to published codes +[0-9]+ rows/s +\\([0-9.]+ of bare\\)")
        .containsPattern("a fixed cost per run .* [0-9.]+ s\n.*rows above it +[0-9]+ rows/s +\\([0-9.]+ of bare\\)"
            + "|too few rows to split");
    // The end-to-end rounds are real encode runs: the code table partition holds every row, and the
    // run on a tenth of the corpus publishes its own date.
    assertThat(SparkSession.active().read().parquet(dir.resolve("encode/output/codes/run_date=2024-01-01").toString())
        .count()).isEqualTo(80);
    assertThat(SparkSession.active().read().parquet(dir.resolve("encode/output/codes/run_date=2024-01-02").toString())
        .count()).isEqualTo(8);
  }

  @Test
  void qualityRunsTheNightlyOnEveryCorpusAtEachSeedAndTabulatesCodesAgainstTheBaselines(SparkSession spark) {
    Path data = dir.resolve("data");
    DemoCorpora.images(spark, 240, 3).write().parquet(data.resolve("shapes").toString());
    DemoCorpora.documents(spark, 240, 3).write().parquet(data.resolve("topics").toString());
    CliErrorsTest.Outcome r = CliErrorsTest.cli("bench", "quality", "--data", data.toString(), "--seeds", "2",
        "--output", dir.resolve("quality").toString(), "--set", "train.epochs=2", "--set", "train.seed=5",
        "--set", "train.batch-size-per-worker=8", "--set", "model.encoder-layers=[16]", "--set", "model.code-size=4");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String score = " +[01]\\.[0-9]{3}";
    // The codes' P@10 minus each baseline's on the same queries, with a bootstrap interval around it.
    String interval = "[-+][01]\\.[0-9]{3} \\([-+][01]\\.[0-9]{3} to [-+][01]\\.[0-9]{3}\\)";
    assertThat(r.out()).contains("quality benchmark: held-out rows, model denoising [16]->4")
        .containsPattern("shapes +images, 240 rows, seed 5, 2 epochs, [0-9]+ s")
        .containsPattern("shapes +images, 240 rows, seed 6, 2 epochs, [0-9]+ s")
        .containsPattern("topics +documents, 240 rows, seed 5, 2 epochs, [0-9]+ s")
        .containsPattern("topics +documents, 240 rows, seed 6, 2 epochs, [0-9]+ s")
        // Each run: codes, raw and PCA (documents also tf-idf), with P@10, mAP, 10-NN and NMI in [0, 1]
        // and the reconstruction ratio for the codes and PCA (1.00).
        .containsPattern("codes" + score.repeat(4) + " +[0-9.]+")
        .containsPattern("pca" + score.repeat(4) + " +1\\.00 +" + interval)
        .containsPattern("raw" + score.repeat(4) + " +-")
        .containsPattern("tfidf" + score.repeat(4) + " +- +" + interval)
        .containsPattern("total [0-9]+ s")
        // Each corpus over the seeds: median and range of the codes' figures and of their lead over each baseline.
        .contains("over 2 seeds: median (lowest to highest)")
        .containsPattern("shapes +[01]\\.[0-9]{3} \\([01]\\.[0-9]{3} to [01]\\.[0-9]{3}\\) +[0-9.]+ \\(")
        .containsPattern("minus pca +P@10 " + interval + ", clear [0-2] above, [0-2] below; NMI " + interval);
    String[] lines = r.out().split("\\R");
    assertThat(lines).filteredOn(line -> line.strip().startsWith("codes")).hasSize(4);
    assertThat(lines).filteredOn(line -> line.strip().startsWith("minus tfidf")).hasSize(1);
    assertThat(dir.resolve("quality/shapes/seed-6/codes")).isDirectory();
  }

  @Test
  void qualityRefusesFewerThanOneSeedBeforeAnyRun() {
    CliErrorsTest.Outcome r = CliErrorsTest.cli("bench", "quality", "--data", dir.toString(), "--seeds", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--seeds must be at least 1, got 0");
  }

  @Test
  void trainReportsBothRatesAndTheirRatio() {
    CliErrorsTest.Outcome r = CliErrorsTest.cli("bench", "train", "--rows", "300", "--features", "64",
        "--output", dir.toString(), "--set", "model.encoder-layers=[16]", "--set", "train.epochs=1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("train benchmark: 300 rows x 64 features, 64-[16]-32, batch 128, 1 epochs")
        .containsPattern("single JVM, plain DL4J +[0-9]+ examples/s")
        .containsPattern("Spark, parameter averaging \\(freq 10\\) +[0-9]+ examples/s +\\([0-9.]+ of single JVM\\)");
  }

  @Test
  void neighborsReportsQueriesPerSecondAndItsShareOfTheBlasRate() {
    CliErrorsTest.Outcome r = CliErrorsTest.cli("bench", "neighbors", "--all-rows", "--rows", "3000", "--dim", "8",
        "--repeats", "1", "--set", "neighbors.block-rows=256", "--set", "neighbors.approximate.recall-queries=100");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("neighbors benchmark: 3000 codes x 8, k=10, cosine, block-rows 256")
        .containsPattern("exact, every row a query +[0-9.]+ s +[0-9]+ queries/s")
        .containsPattern("[0-9.]+ GFLOP/s = [0-9.]+ of BLAS on 2048\\^3 \\([0-9.]+ GFLOP/s\\)")
        .containsPattern("approximate \\(LSH\\) .* recall@10 (0|1)\\.[0-9]{3}");
  }

  @Test
  void neighborsSetsExactSearchLshAndTheIndexSideBySide() {
    CliErrorsTest.Outcome r = CliErrorsTest.cli("bench", "neighbors", "--rows", "3000", "--data", "gaussian,clustered",
        "--dim", "8", "--queries", "300", "--repeats", "1", "--set", "neighbors.block-rows=256");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("neighbors benchmark: 8 floats per code, k=10, cosine, 300 sampled queries")
        .containsPattern("3000 gaussian +exact +- +[0-9.]+ +300 +[0-9]+ +1\\.00 +1\\.000")
        .containsPattern("3000 gaussian +lsh +- +[0-9.]+ +3000 +[0-9]+ +[0-9.]+ +(0|1)\\.[0-9]{3}")
        // The index is timed on every row of a corpus smaller than --index-queries (100,000).
        .containsPattern("3000 clustered +hnsw, ef-search [0-9]+ +[0-9.]+ +[0-9.]+ +3000 +[0-9]+ +[0-9.]+ +(0\\.9[5-9][0-9]|1\\.000)");
  }
}
