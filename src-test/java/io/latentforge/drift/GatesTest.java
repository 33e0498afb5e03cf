package io.latentforge.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.GateSettings;
import io.latentforge.eval.EvaluationFigures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each publish gate that is on, against the run's drift and evaluation. */
class GatesTest {

  private static DriftFigures drift(Double overlap, Double before, Double now, Map<String, String> skipped) {
    return new DriftFigures("2026-11-29", "m1", "r1", true, 1, 1, 100, 0.1, 0.3, 2.0, 10, 100L, overlap, 0.9, "centres",
        null, null, null, null, skipped).withReconErrors(10L, before, now, null);
  }

  private static EvaluationFigures precision(double p10) {
    return new EvaluationFigures(10L, 10, 2, false, Map.of("codes", new EvaluationFigures.Scores(8, "cosine",
        Map.of(1, 0.9, 10, p10), 0.5, 0.8, 0.4, 0.6, 1.0, 0.5, null)), 2.0, null, null);
  }

  @Test
  void aGateFailsOnlyBeyondItsLimit() {
    GateSettings gates = new GateSettings(1.10, 0.5, 0.95);
    List<GateResult> good = Gates.check(gates, drift(0.6, 1.0, 1.05, null), precision(0.50), precision(0.51));
    assertThat(good).extracting(GateResult::gate)
        .containsExactly("max-recon-error-ratio", "min-neighbor-overlap", "min-precision-ratio");
    assertThat(Gates.stops(good)).isFalse();

    List<GateResult> bad = Gates.check(gates, drift(0.4, 1.0, 1.2, null), precision(0.40), precision(0.50));
    assertThat(bad).allMatch(r -> !r.passed());
    assertThat(bad.get(0).value()).isCloseTo(1.2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(bad.get(2).value()).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(Gates.stops(bad)).isTrue();
    assertThat(bad.get(1).toString()).isEqualTo("min-neighbor-overlap = 0.5: 0.4000, FAILED");
  }

  @Test
  void whatWasNotMeasuredDoesNotStopTheRunAndSaysWhy() {
    GateSettings gates = new GateSettings(1.10, 0.5, 0.95);
    List<GateResult> results = Gates.check(gates,
        drift(null, null, 1.0, Map.of("neighbor_overlap", "5 kept rows; 10 neighbours need more")), null, null);
    assertThat(Gates.stops(results)).isFalse();
    assertThat(results).allMatch(r -> r.value() == null);
    assertThat(results.get(1).note()).isEqualTo("5 kept rows; 10 neighbours need more");
    assertThat(results.get(2).note()).contains("tonight's run has no evaluation precision at 10");
  }

  @Test
  void withoutAPreviousPartitionOrWithEveryGateOffNothingIsChecked() {
    assertThat(Gates.check(new GateSettings(1.1, 0.5, 0.9), null, null, null)).isEmpty();
    assertThat(Gates.check(GateSettings.OFF, drift(0.0, 1.0, 9.0, null), null, null)).isEmpty();
  }
}
