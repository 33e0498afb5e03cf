package io.latentforge.eval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code evaluation} section of {@code metrics.json}: the held-out rows and each
 * representation's scores, or why evaluation was skipped.
 *
 * @param skipped why there are no scores (e.g. the corpus has no label column); null when evaluated
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EvaluationFigures(
    @JsonProperty("held_out_rows") Long heldOutRows,
    @JsonProperty("evaluated_rows") Integer evaluatedRows,
    @JsonProperty("labels") Integer labels,
    @JsonProperty("codes_trained_on_evaluated_rows") Boolean codesTrainedOnEvaluatedRows,
    @JsonProperty("representations") Map<String, Scores> representations,
    @JsonProperty("mean_input_recon_error") Double meanInputReconError,
    @JsonProperty("skipped_baselines") Map<String, String> skippedBaselines,
    @JsonProperty("skipped") String skipped) {

  public static EvaluationFigures skipped(String reason) {
    return new EvaluationFigures(null, null, null, null, null, null, null, reason);
  }

  public static EvaluationFigures of(Evaluation.Result result) {
    Map<String, Scores> scores = new LinkedHashMap<>();
    result.representations().forEach((name, r) -> scores.put(name, Scores.of(r, result.reconVsPca(r),
        result.codesMinusThis().get(name))));
    return new EvaluationFigures(result.heldOutRows(), result.labels().length, result.labelNames().size(),
        result.modelSawRows(), scores, result.meanInputError(),
        result.skipped().isEmpty() ? null : Map.copyOf(result.skipped()), null);
  }

  /**
   * One representation's scores. In the file, precision at each k is its own key
   * ({@code precision_at_10}), as {@code evaluate.precision-at} lists them.
   *
   * @param reconErrorVsPca mean reconstruction error over PCA's at the code's size, where both have one
   * @param codesMinusThis see {@link Evaluation.Result#codesMinusThis}; null for the codes
   */
  public record Scores(int dimensions, String metric, Map<Integer, Double> precisionAt, double meanAveragePrecision,
      double knnAccuracy, double kmeansNmi, double kmeansAccuracy, Double meanReconError, Double reconErrorVsPca,
      PairedBootstrap.Difference codesMinusThis) {

    private static final String PRECISION_AT = "precision_at_";
    public static final String CODES_MINUS_THIS = "codes_minus_this_precision_at_" + Evaluation.COMPARED_AT;

    static Scores of(Evaluation.Representation r, Double reconVsPca, PairedBootstrap.Difference codesMinusThis) {
      RetrievalMetrics.Scores retrieval = r.retrieval();
      return new Scores(r.dimensions(), r.metric().key(), new TreeMap<>(retrieval.precisionAtK()),
          retrieval.meanAveragePrecision(), retrieval.knnAccuracy(), r.kmeansNmi(), r.kmeansAccuracy(),
          r.meanReconError(), reconVsPca, codesMinusThis);
    }

    /** The scores as the file's flat keys, in the order a reader scans them. */
    @JsonValue
    public Map<String, Object> asJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dimensions", dimensions);
      m.put("metric", metric);
      precisionAt.forEach((k, p) -> m.put(PRECISION_AT + k, p));
      m.put("mean_average_precision", meanAveragePrecision);
      m.put("knn_accuracy", knnAccuracy);
      m.put("kmeans_nmi", kmeansNmi);
      m.put("kmeans_accuracy", kmeansAccuracy);
      if (meanReconError != null) {
        m.put("mean_recon_error", meanReconError);
      }
      if (reconErrorVsPca != null) {
        m.put("recon_error_vs_pca", reconErrorVsPca);
      }
      if (codesMinusThis != null) {
        m.put(CODES_MINUS_THIS, Map.of("difference", codesMinusThis.mean(), "low_95", codesMinusThis.low(),
            "high_95", codesMinusThis.high()));
      }
      return m;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Scores fromJson(Map<String, Object> json) {
      Map<Integer, Double> precision = new TreeMap<>();
      json.forEach((key, value) -> {
        if (key.startsWith(PRECISION_AT)) {
          precision.put(Integer.parseInt(key.substring(PRECISION_AT.length())), number(value));
        }
      });
      return new Scores(((Number) json.get("dimensions")).intValue(), (String) json.get("metric"), precision,
          number(json.get("mean_average_precision")), number(json.get("knn_accuracy")), number(json.get("kmeans_nmi")),
          number(json.get("kmeans_accuracy")), (Double) optional(json.get("mean_recon_error")),
          (Double) optional(json.get("recon_error_vs_pca")), difference(json.get(CODES_MINUS_THIS)));
    }

    private static PairedBootstrap.Difference difference(Object value) {
      if (!(value instanceof Map<?, ?> d)) {
        return null;
      }
      return new PairedBootstrap.Difference(number(d.get("difference")), number(d.get("low_95")),
          number(d.get("high_95")));
    }

    private static double number(Object value) {
      return ((Number) value).doubleValue();
    }

    private static Object optional(Object value) {
      return value == null ? null : number(value);
    }
  }
}
