package io.latentforge.config;

/**
 * Where a nightly's training starts; see {@code train.init} and {@code features.refit} in
 * conf/latentforge.conf.
 *
 * @param init {@code scratch}, {@code previous}, or the directory of a model to start from
 * @param refit whether a warm start fits the featurization afresh (new vocabulary, image moments)
 *     instead of reusing the parent model's
 */
public record WarmStart(String init, boolean refit) {

  public static final String SCRATCH = "scratch";
  public static final String PREVIOUS = "previous";

  public boolean fromScratch() {
    return init.equals(SCRATCH);
  }

  public boolean fromPrevious() {
    return init.equals(PREVIOUS);
  }

  static WarmStart from(ConfigReader train, ConfigReader features) {
    return new WarmStart(train.string("init"), features.bool("refit"));
  }
}
