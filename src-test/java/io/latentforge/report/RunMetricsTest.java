package io.latentforge.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.cluster.ClusterFigures;
import io.latentforge.drift.DriftFigures;
import io.latentforge.drift.GateResult;
import io.latentforge.eval.EvaluationFigures;
import io.latentforge.eval.PairedBootstrap;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.ModelCard;
import io.latentforge.retrieval.IndexFigures;
import io.latentforge.retrieval.NeighborFigures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMetricsTest {

  @TempDir
  Path tmp;

  @Test
  void metricsWithEverySectionSurviveWritingAndReading() throws IOException {
    RunMetrics metrics = new RunMetrics(RunMetrics.FORMAT_VERSION, "published", "2026-11-30", "image", "/data/images",
        new ModelCard.Rows(10, 9, 1, Map.of("null_id", 1L)), "image-deep-2026-11-30-0123abcd",
        List.of(new EpochMetrics(1, 2.5, 2.0, 100, 1.5, 1.5, 3.0)), new ModelCard.Metrics(1.25, 2.5),
        "2026-11-30T01:02:03Z", null, null, null, "20261130T010203Z-0123abcd", null, null, null)
        .withNeighbors(new NeighborFigures(10, "cosine", true, "all rows", 90, 0.93, 100, 1.5, "lsh"))
        .withIndex(new IndexFigures("published", null, "cosine", 90L, 1, 16, 100, 100, 10, 0.97, 90, 5120.0, 2.5, 2))
        .withClustering(new ClusterFigures("kmeans", 3, 9L, 0.41, List.of(3L, 3L, 3L), null))
        .withEvaluation(new EvaluationFigures(7L, 5, 2, false, Map.of("codes", new EvaluationFigures.Scores(3, "cosine",
            Map.of(1, 0.75, 10, 0.5), 0.5, 0.8, 0.4, 0.6, 1.25, 0.5, null), "pca", new EvaluationFigures.Scores(3,
            "cosine", Map.of(1, 0.5, 10, 0.25), 0.3, 0.6, 0.2, 0.4, 2.5, 1.0,
            new PairedBootstrap.Difference(0.25, 0.125, 0.375))), 2.5, Map.of("tfidf", "images"), null))
        .withDrift(new DriftFigures("2026-11-29", "image-deep-2026-11-29-0123abcd", "20261129T010203Z-0123abcd", true,
            1, 2, 8, 0.12, 0.31, 2.5, 10, 8L, 0.75, null, null, null, null, null, null,
            Map.of("cluster_stability", "tonight's run has no clusters")).withReconErrors(3L, 1.0, 1.1, null))
        .withGates("gated", List.of(new GateResult("max-recon-error-ratio", 1.05, 1.1, false, null)));
    Path file = tmp.resolve("metrics.json");
    HadoopFiles.writeJson(new Configuration(), new org.apache.hadoop.fs.Path(file.toString()), metrics);
    assertThat(Files.readString(file)).contains("\"format_version\" : 1", "\"recall_at_k\" : 0.93",
        "\"precision_at_10\" : 0.5", "\"recon_error_vs_pca\" : 0.5", "\"codes_minus_this_precision_at_10\"", "\"queries_per_second\" : 5120.0");
    try (InputStream in = Files.newInputStream(file)) {
      assertThat(RunMetrics.read(in, file.toString())).isEqualTo(metrics);
    }
  }

  @Test
  void metricsOfANewerFormatAreRefusedWithTheVersionsNamed() {
    InputStream newer = new ByteArrayInputStream("{\"format_version\": 4}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> RunMetrics.read(newer, "reports/run_date=2026-11-30/metrics.json"))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("metrics.json has format_version 4, newer than the 1 this latentforge reads");
  }

  /** A metrics.json as the releases before format versions wrote it (the demo's deep image model). */
  @Test
  void metricsWrittenBeforeFormatVersionsExistedStillRead() throws IOException {
    try (InputStream in = RunMetricsTest.class.getResourceAsStream("/formats/metrics-before-versions.json")) {
      RunMetrics m = RunMetrics.read(in, "metrics-before-versions.json");
      assertThat(m.formatVersion()).isEqualTo(1);
      assertThat(m.status()).isEqualTo("published");
      assertThat(m.rows()).isEqualTo(new ModelCard.Rows(2000, 2000, 0, Map.of()));
      assertThat(m.epochs()).hasSize(30);
      assertThat(m.neighbors()).isEqualTo(new NeighborFigures(10, "cosine", false, "all rows", 20000, null, null,
          1.962276603, null));
      assertThat(m.clustering()).isEqualTo(new ClusterFigures("kmeans", 5, 2000L, 0.20392244880067187,
          List.of(439L, 484L, 375L, 395L, 307L), null));
      EvaluationFigures.Scores codes = m.evaluation().representations().get("codes");
      assertThat(m.evaluation().evaluatedRows()).isEqualTo(224);
      assertThat(m.evaluation().representations()).containsOnlyKeys("codes", "raw", "pca");
      assertThat(codes.precisionAt()).containsOnlyKeys(1, 10, 50).containsEntry(10, 0.8053571428571437);
      assertThat(codes.reconErrorVsPca()).isEqualTo(0.45189011641075966);
      assertThat(m.evaluation().representations().get("raw").meanReconError()).isNull();
    }
  }
}
