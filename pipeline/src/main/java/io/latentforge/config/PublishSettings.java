package io.latentforge.config;

import java.time.Duration;

/**
 * How runs publish and clean up; see {@code publish} in conf/latentforge.conf.
 *
 * @param align whether tonight's linear codes are rotated onto the newest earlier code partition's
 * @param driftQueries kept rows sampled for the drift report's neighbour overlap
 */
public record PublishSettings(Duration retention, Align align, int alignRows, int driftQueries, GateSettings gates) {

  /** none | procrustes: an orthogonal rotation fitted on the ids both nights hold. */
  public enum Align {
    NONE, PROCRUSTES
  }

  /** The {@code publish} section. */
  static PublishSettings from(ConfigReader r) {
    return new PublishSettings(r.duration("retention"), r.enumValue("align", Align.class), r.intAtLeast("align-rows", 2),
        r.intAtLeast("drift-queries", 1), GateSettings.from(r.section("gates")));
  }
}
