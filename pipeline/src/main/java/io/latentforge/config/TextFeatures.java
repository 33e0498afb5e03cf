package io.latentforge.config;

import java.io.Serializable;

/** Bag-of-words settings. */
public record TextFeatures(int vocabSize, int minDf, int minTokenLength, Weighting weighting)
    implements Serializable {

  /** How term counts become feature values. */
  public enum Weighting {
    COUNTS, BINARY, LOG, PROBABILITY
  }
}
