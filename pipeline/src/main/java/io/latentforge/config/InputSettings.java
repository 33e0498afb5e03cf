package io.latentforge.config;

import java.io.Serializable;

/**
 * How the input corpus is read: its column names, and the limits that guard a run against bad
 * input (see {@code input} in conf/latentforge.conf).
 */
public record InputSettings(String id, String image, String text, String label, long maxImagePixels,
    double maxRejectFraction) implements Serializable {

  /** The {@code input} section. */
  static InputSettings from(ConfigReader r) {
    return new InputSettings(r.string("id-column"), r.string("image-column"), r.string("text-column"),
        r.string("label-column"), r.longAtLeast("max-image-pixels", 1), r.fractionOrZero("max-reject-fraction"));
  }
}
