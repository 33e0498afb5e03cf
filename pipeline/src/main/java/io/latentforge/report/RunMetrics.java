package io.latentforge.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.cluster.ClusterFigures;
import io.latentforge.drift.DriftFigures;
import io.latentforge.drift.GateResult;
import io.latentforge.eval.EvaluationFigures;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.ModelCard;
import io.latentforge.retrieval.IndexFigures;
import io.latentforge.retrieval.NeighborFigures;
import io.latentforge.schema.VersionedJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A run date's {@code metrics.json}: how the run ended and what it published, then one section per
 * step after publishing, each set by the step that ran last for the date. Files written before
 * {@code format_version} existed are version 1; a newer version is refused by name.
 *
 * @param status published, too_many_rejects or diverged (the last two are kept in the run's own area,
 *     {@code OUT/_runs/run_date=D/<run>/reports/}, not published), gated (kept in
 *     {@code OUT/_audit/run_date=D/<run>/reports/}) or promoted (gated, then published by {@code promote})
 * @param runId the run that published the date's codes (or that failed)
 * @param evaluation evaluate's section: scores per representation, or why it was skipped
 * @param drift how far the codes moved from the newest earlier partition's, null when there was none
 * @param gates the run's publish gates ({@code publish.gates}) that are on
 * @param index the HNSW index build of the date: its recall and query rate, or why it was not published
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunMetrics(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("status") String status,
    @JsonProperty("run_date") String runDate,
    @JsonProperty("kind") String kind,
    @JsonProperty("input_path") String inputPath,
    @JsonProperty("rows") ModelCard.Rows rows,
    @JsonProperty("model_id") String modelId,
    @JsonProperty("epochs") List<EpochMetrics> epochs,
    @JsonProperty("metrics") ModelCard.Metrics metrics,
    @JsonProperty("created") String created,
    @JsonProperty("neighbors") NeighborFigures neighbors,
    @JsonProperty("clustering") ClusterFigures clustering,
    @JsonProperty("evaluation") EvaluationFigures evaluation,
    @JsonProperty("run_id") String runId,
    @JsonProperty("drift") DriftFigures drift,
    @JsonProperty("gates") List<GateResult> gates,
    @JsonProperty("index") IndexFigures index) {

  public static final int FORMAT_VERSION = 1;
  public static final String FILE = "metrics.json";

  /** No run has written the date's metrics yet (a step run on codes from elsewhere). */
  public static final RunMetrics NONE = new RunMetrics(FORMAT_VERSION, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null);

  public static RunMetrics read(InputStream in, String where) throws IOException {
    return VersionedJson.read(in, RunMetrics.class, FORMAT_VERSION, where);
  }

  public RunMetrics withNeighbors(NeighborFigures n) {
    return new RunMetrics(formatVersion, status, runDate, kind, inputPath, rows, modelId, epochs, metrics, created, n,
        clustering, evaluation, runId, drift, gates, index);
  }

  public RunMetrics withIndex(IndexFigures i) {
    return new RunMetrics(formatVersion, status, runDate, kind, inputPath, rows, modelId, epochs, metrics, created,
        neighbors, clustering, evaluation, runId, drift, gates, i);
  }

  public RunMetrics withClustering(ClusterFigures c) {
    return new RunMetrics(formatVersion, status, runDate, kind, inputPath, rows, modelId, epochs, metrics, created,
        neighbors, c, evaluation, runId, drift, gates, index);
  }

  public RunMetrics withEvaluation(EvaluationFigures e) {
    return new RunMetrics(formatVersion, status, runDate, kind, inputPath, rows, modelId, epochs, metrics, created,
        neighbors, clustering, e, runId, drift, gates, index);
  }

  public RunMetrics withDrift(DriftFigures d) {
    return new RunMetrics(formatVersion, status, runDate, kind, inputPath, rows, modelId, epochs, metrics, created,
        neighbors, clustering, evaluation, runId, d, gates, index);
  }

  /** With the run's gates, and its status. */
  public RunMetrics withGates(String newStatus, List<GateResult> g) {
    return new RunMetrics(formatVersion, newStatus, runDate, kind, inputPath, rows, modelId, epochs, metrics, created,
        neighbors, clustering, evaluation, runId, drift, g, index);
  }
}
