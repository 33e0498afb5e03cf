package io.latentforge.schema;

import java.util.Locale;

/** Stable reason codes of the rejects table; downstream alerting matches on them. */
public enum RejectReason {
  NULL_ID, DUPLICATE_ID, NULL_IMAGE, UNDECODABLE_IMAGE, IMAGE_TOO_LARGE, NULL_TEXT, EMPTY_TEXT, NO_VOCABULARY_TOKENS;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
