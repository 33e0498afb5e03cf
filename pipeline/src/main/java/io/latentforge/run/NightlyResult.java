package io.latentforge.run;

import io.latentforge.train.EpochMetrics;
import java.util.List;
import java.util.Map;

/** What a nightly run did: the counts its summary prints and where it published. */
public record NightlyResult(
    String modelId, long rowsRead, long rowsFeaturized, Map<String, Long> rejectsByReason,
    List<EpochMetrics> epochs, String codesPath, String rejectsPath, String modelPath, int inputSize, int codeSize) {

  public long rowsRejected() {
    return rejectsByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
