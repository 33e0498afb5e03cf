package io.latentforge.config;

/** How codes are computed; see {@code encode} in conf/latentforge.conf. */
public record EncodeSettings(int batchSize) {

  /** The {@code encode} section. */
  static EncodeSettings from(ConfigReader r) {
    return new EncodeSettings(r.intBetween("batch-size", 1, 1 << 16));
  }
}
