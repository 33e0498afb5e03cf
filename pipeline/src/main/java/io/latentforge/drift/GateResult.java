package io.latentforge.drift;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One publish gate of a run, in {@code metrics.json}'s {@code gates} list.
 *
 * @param gate the {@code publish.gates} key
 * @param value what the run measured; null when it could not be (then {@code note} says why, and the
 *     gate does not stop the run)
 * @param passed false stops the run from publishing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateResult(@JsonProperty("gate") String gate, @JsonProperty("limit") double limit,
    @JsonProperty("value") Double value, @JsonProperty("passed") boolean passed, @JsonProperty("note") String note) {

  @Override
  public String toString() {
    return gate + " = " + limit + ": " + (value == null ? "not measured (" + note + ")"
        : String.format(java.util.Locale.ROOT, "%.4f, %s", value, passed ? "passed" : "FAILED"));
  }
}
