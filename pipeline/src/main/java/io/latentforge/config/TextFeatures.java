package io.latentforge.config;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Bag-of-words settings; see {@code features.text} in conf/latentforge.conf.
 *
 * @param maxDf a term in more than this fraction of documents is left out of the vocabulary
 * @param stopWords a language known to Spark's StopWordsRemover (e.g. english), or none
 * @param scale every feature value is multiplied by it, after weighting and normalization
 */
public record TextFeatures(int vocabSize, int minDf, double maxDf, int minTokenLength, String stopWords,
    List<String> extraStopWords, Weighting weighting, Normalize normalize, double scale) implements Serializable {

  /** How term counts become feature values. */
  public enum Weighting {
    COUNTS, BINARY, LOG, TFIDF, PROBABILITY
  }

  /** Scaling of each document's weighted vector. */
  public enum Normalize {
    NONE, L1, L2
  }

  /** Defaults for everything but the vocabulary bounds and weighting (tests and generated corpora). */
  public static TextFeatures of(int vocabSize, int minDf, int minTokenLength, Weighting weighting) {
    return new TextFeatures(vocabSize, minDf, 1.0, minTokenLength, "english", List.of(), weighting, Normalize.NONE, 1.0);
  }

  /** The same settings with every feature value multiplied by {@code factor} instead. */
  public TextFeatures withScale(double factor) {
    return new TextFeatures(vocabSize, minDf, maxDf, minTokenLength, stopWords, extraStopWords, weighting, normalize,
        factor);
  }

  /** Languages with a stop-word list in Spark's StopWordsRemover, and none. */
  static final List<String> STOP_WORD_LANGUAGES = List.of("none", "danish", "dutch", "english", "finnish", "french",
      "german", "hungarian", "italian", "norwegian", "portuguese", "russian", "spanish", "swedish", "turkish");

  /** The {@code features.text} section. */
  static TextFeatures from(ConfigReader r) {
    return new TextFeatures(r.intAtLeast("vocab-size", 1), r.intAtLeast("min-df", 1), r.fraction("max-df"),
        r.intAtLeast("min-token-length", 1),
        r.oneOf("stop-words", STOP_WORD_LANGUAGES, s -> s.toLowerCase(Locale.ROOT)), r.stringList("extra-stop-words"),
        r.enumValue("weighting", Weighting.class), r.enumValue("normalize", Normalize.class), r.positiveDouble("scale"));
  }
}
