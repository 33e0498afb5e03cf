package io.latentforge.config;

import java.time.Duration;

/** How runs publish and clean up; see {@code publish} in conf/latentforge.conf. */
public record PublishSettings(Duration retention) {

  /** The {@code publish} section. */
  static PublishSettings from(ConfigReader r) {
    return new PublishSettings(r.duration("retention"));
  }
}
