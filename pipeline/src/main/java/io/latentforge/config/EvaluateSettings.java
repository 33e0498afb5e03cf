package io.latentforge.config;

import java.util.List;

/**
 * Evaluation of codes against labels and baselines; see {@code evaluate} in conf/latentforge.conf.
 *
 * @param holdoutFraction used when training held out no rows (train.validation-fraction = 0)
 */
public record EvaluateSettings(int maxRows, List<Integer> precisionAt, int knnK, Metric metric, int pcaMaxFeatures,
    double holdoutFraction) {

  public int[] ks() {
    return precisionAt.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The {@code evaluate} section. */
  static EvaluateSettings from(ConfigReader r) {
    return new EvaluateSettings(r.intAtLeast("max-rows", 2), r.positiveIntList("precision-at"), r.intAtLeast("knn-k", 1),
        r.enumValue("metric", Metric.class), r.intAtLeast("pca-max-features", 1), r.fraction("holdout-fraction"));
  }
}
