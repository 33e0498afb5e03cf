package io.latentforge.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training epoch measured; recorded in model.json and checkpoints, printed in the run
 * summary. {@code validationLoss} is NaN when nothing is held out, {@code trainingLoss} when the
 * training master reports none (gradient sharing).
 */
public record EpochMetrics(int epoch, double trainingLoss, double validationLoss, double examplesPerSecond,
    double seconds, double elapsedSeconds, double secondsLeft) {

  public boolean validated() {
    return !Double.isNaN(validationLoss);
  }

  /** As JSON-ready values (no NaN: JSON has none); the form model.json and checkpoints hold. */
  @JsonValue
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("training_loss", Double.isNaN(trainingLoss) ? null : trainingLoss);
    m.put("validation_loss", validated() ? validationLoss : null);
    m.put("examples_per_second", examplesPerSecond);
    m.put("seconds", seconds);
    m.put("elapsed_seconds", Double.isNaN(elapsedSeconds) ? null : elapsedSeconds);
    m.put("estimated_seconds_left", Double.isNaN(secondsLeft) ? null : secondsLeft);
    return m;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static EpochMetrics fromMap(Map<String, Object> m) {
    // validation_recon_error: checkpoints and model cards written before the loss replaced it.
    Object validation = m.getOrDefault("validation_loss", m.get("validation_recon_error"));
    Object loss = m.get("training_loss");
    return new EpochMetrics(((Number) m.get("epoch")).intValue(), loss == null ? Double.NaN : ((Number) loss).doubleValue(),
        validation == null ? Double.NaN : ((Number) validation).doubleValue(),
        ((Number) m.get("examples_per_second")).doubleValue(), ((Number) m.get("seconds")).doubleValue(),
        number(m.get("elapsed_seconds")), number(m.get("estimated_seconds_left")));
  }

  private static double number(Object value) {
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }
}
