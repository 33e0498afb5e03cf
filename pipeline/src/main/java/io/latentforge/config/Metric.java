package io.latentforge.config;

import java.util.Locale;

/** Distances between codes: {@code cosine} (1 - cosine similarity), {@code euclidean}, and {@code hamming} over code_bits. */
public enum Metric {
  COSINE, EUCLIDEAN, HAMMING;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
