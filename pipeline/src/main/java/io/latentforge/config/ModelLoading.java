package io.latentforge.config;

/**
 * How published models are loaded (encode, evaluate); see {@code model.allow-legacy-format} in
 * conf/latentforge.conf.
 */
public record ModelLoading(boolean allowLegacyFormat) {

  /** From the {@code model} section. */
  static ModelLoading from(ConfigReader r) {
    return new ModelLoading(r.bool("allow-legacy-format"));
  }
}
