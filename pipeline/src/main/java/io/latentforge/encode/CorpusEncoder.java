package io.latentforge.encode;

/**
 * Encodes a corpus's rows with a trained model. Two implementations: {@link FeatureEncoder} for
 * features already in a Dataset (a nightly run's, and documents featurized by the model's
 * vocabulary), and {@link ImageCorpusEncoder}, which decodes images inside the encoding tasks in
 * one pass over the corpus. Publishing takes either result the same way.
 */
public interface CorpusEncoder {

  /**
   * The corpus encoded by {@code model}; {@code stagingDir} is where an encoder that writes its own
   * tables puts them (a directory the caller discards afterwards).
   */
  EncodedCorpus encode(ModelToEncode model, String stagingDir);
}
