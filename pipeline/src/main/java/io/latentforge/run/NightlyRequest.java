package io.latentforge.run;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.schema.CorpusKind;
import java.time.LocalDate;

/**
 * One nightly run: which corpus, where its outputs go, for which date, with which settings (their
 * defaults that depend on the kind of corpus decided).
 */
public record NightlyRequest(CorpusKind kind, String input, String output, LocalDate runDate, LatentforgeConfig config) {
  public NightlyRequest {
    config = config.forKind(kind);
  }
}
