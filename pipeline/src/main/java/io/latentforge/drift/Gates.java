package io.latentforge.drift;

import io.latentforge.config.GateSettings;
import io.latentforge.eval.EvaluationFigures;
import java.util.ArrayList;
import java.util.List;

/** The run's figures against {@code publish.gates}: each gate that is on, passed or not. */
public final class Gates {

  /** The representation and precision the precision gate compares. */
  static final String CODES = "codes";
  static final int PRECISION_AT = 10;

  private Gates() {}

  /**
   * @param drift null when there is no previous partition (then no gate applies)
   * @param evaluation tonight's evaluation, null when none
   * @param previousEvaluation the previous partition's run's, null when none
   */
  public static List<GateResult> check(GateSettings gates, DriftFigures drift, EvaluationFigures evaluation,
      EvaluationFigures previousEvaluation) {
    List<GateResult> results = new ArrayList<>();
    if (drift == null) {
      return results;
    }
    if (gates.maxReconErrorRatio() != null) {
      results.add(atMost("max-recon-error-ratio", gates.maxReconErrorRatio(), drift.reconErrorRatio(),
          skipped(drift, "recon_error")));
    }
    if (gates.minNeighborOverlap() != null) {
      results.add(atLeast("min-neighbor-overlap", gates.minNeighborOverlap(), drift.neighborOverlap(),
          skipped(drift, "neighbor_overlap")));
    }
    if (gates.minPrecisionRatio() != null) {
      Double now = precision(evaluation);
      Double before = precision(previousEvaluation);
      results.add(atLeast("min-precision-ratio", gates.minPrecisionRatio(),
          now == null || before == null || before == 0 ? null : now / before,
          (now == null ? "tonight's" : "the previous") + " run has no evaluation precision at " + PRECISION_AT
              + " of the codes (labels and evaluate in nightly.steps needed)"));
    }
    return results;
  }

  /** Whether any gate stops the run. */
  public static boolean stops(List<GateResult> results) {
    return results.stream().anyMatch(r -> !r.passed());
  }

  private static GateResult atMost(String gate, double limit, Double value, String whyMissing) {
    return value == null ? new GateResult(gate, limit, null, true, whyMissing)
        : new GateResult(gate, limit, value, value <= limit, null);
  }

  private static GateResult atLeast(String gate, double limit, Double value, String whyMissing) {
    return value == null ? new GateResult(gate, limit, null, true, whyMissing)
        : new GateResult(gate, limit, value, value >= limit, null);
  }

  private static String skipped(DriftFigures drift, String part) {
    return drift.skipped() != null && drift.skipped().containsKey(part) ? drift.skipped().get(part) : "not measured";
  }

  private static Double precision(EvaluationFigures evaluation) {
    if (evaluation == null || evaluation.representations() == null) {
      return null;
    }
    EvaluationFigures.Scores codes = evaluation.representations().get(CODES);
    return codes == null ? null : codes.precisionAt().get(PRECISION_AT);
  }
}
