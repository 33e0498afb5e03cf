package io.latentforge.drift;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code drift} section of {@code metrics.json}: how tonight's codes differ from those of the
 * newest earlier partition (the "previous" one), for the rows both hold (by id). Each part that
 * could not be measured is null, with the reason in {@code skipped}.
 *
 * @param codeDistanceMean mean distance between a kept row's previous and current code (euclidean),
 *     relative to {@code meanCodeDistance}
 * @param codeDistanceP95 its 95th percentile, relative to {@code meanCodeDistance}
 * @param meanCodeDistance the mean distance between two of tonight's codes (over a sample of pairs)
 * @param neighborOverlap of a sampled kept row's {@code k} neighbours among the kept rows by the
 *     previous codes, the share still among its {@code k} by tonight's (metric {@code neighbors.metric})
 * @param clusterStability the share of kept rows whose cluster stayed matched, once the two nights'
 *     clusters are matched one to one ({@code clusterMatching}: by their centres, least total squared
 *     distance, when tonight's codes were aligned to the previous ones; otherwise, the code spaces
 *     being unrelated, by the rows they share, the most kept together)
 * @param reconErrorPrevious the previous model's mean loss on tonight's held-out rows (featurized as
 *     that model featurizes)
 * @param reconErrorRatio tonight's model's mean loss on those rows over the previous model's
 * @param skipped why parts are missing, by part
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriftFigures(
    @JsonProperty("previous_run_date") String previousRunDate,
    @JsonProperty("previous_model_id") String previousModelId,
    @JsonProperty("previous_run_id") String previousRunId,
    @JsonProperty("aligned") Boolean aligned,
    @JsonProperty("rows_added") long rowsAdded,
    @JsonProperty("rows_removed") long rowsRemoved,
    @JsonProperty("rows_kept") long rowsKept,
    @JsonProperty("code_distance_mean") Double codeDistanceMean,
    @JsonProperty("code_distance_p95") Double codeDistanceP95,
    @JsonProperty("mean_code_distance") Double meanCodeDistance,
    @JsonProperty("neighbor_k") Integer neighborK,
    @JsonProperty("neighbor_queries") Long neighborQueries,
    @JsonProperty("neighbor_overlap") Double neighborOverlap,
    @JsonProperty("cluster_stability") Double clusterStability,
    @JsonProperty("cluster_matching") String clusterMatching,
    @JsonProperty("held_out_rows") Long heldOutRows,
    @JsonProperty("recon_error_previous") Double reconErrorPrevious,
    @JsonProperty("recon_error") Double reconError,
    @JsonProperty("recon_error_ratio") Double reconErrorRatio,
    @JsonProperty("skipped") Map<String, String> skipped) {

  /** With the two models' mean loss on the same held-out rows, or why they were not compared. */
  public DriftFigures withReconErrors(Long rows, Double previous, Double now, String whyNot) {
    Double ratio = previous == null || now == null || !(previous > 0) ? null : now / previous;
    return new DriftFigures(previousRunDate, previousModelId, previousRunId, aligned, rowsAdded, rowsRemoved, rowsKept,
        codeDistanceMean, codeDistanceP95, meanCodeDistance, neighborK, neighborQueries, neighborOverlap,
        clusterStability, clusterMatching, rows, previous, now, ratio, skipping("recon_error", whyNot));
  }

  private Map<String, String> skipping(String part, String why) {
    if (why == null) {
      return skipped;
    }
    Map<String, String> all = new TreeMap<>(skipped == null ? Map.of() : skipped);
    all.put(part, why);
    return all;
  }
}
