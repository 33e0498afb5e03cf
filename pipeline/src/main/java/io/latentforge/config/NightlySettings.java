package io.latentforge.config;

import java.util.List;

/** What nightly does after publishing; see {@code nightly} in conf/latentforge.conf. */
public record NightlySettings(List<Step> steps) {

  public enum Step {
    INDEX, NEIGHBORS, CLUSTER, EVALUATE, REPORT
  }

  public boolean runs(Step step) {
    return steps.contains(step);
  }

  /** The {@code nightly} section. */
  static NightlySettings from(ConfigReader r) {
    return new NightlySettings(r.enumList("steps", Step.class));
  }
}
