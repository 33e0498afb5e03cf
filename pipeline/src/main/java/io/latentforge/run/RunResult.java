package io.latentforge.run;

import io.latentforge.model.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * What a nightly or encode run did: the counts its summary prints, where it published, and the mean
 * reconstruction error per row next to that of predicting every row as the mean input, and what the
 * steps after publishing recorded.
 */
public record RunResult(
    String modelId, long rowsRead, long rowsFeaturized, Map<String, Long> rejectsByReason,
    List<EpochMetrics> epochs, String codesPath, String rejectsPath, String modelPath, int inputSize, int codeSize,
    double meanReconError, double meanBaselineError, AfterPublishing downstream) {

  /** With what the steps after publishing found. */
  public RunResult withDownstream(AfterPublishing found) {
    return new RunResult(modelId, rowsRead, rowsFeaturized, rejectsByReason, epochs, codesPath, rejectsPath, modelPath,
        inputSize, codeSize, meanReconError, meanBaselineError, found);
  }

  public long rowsRejected() {
    return rejectsByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
