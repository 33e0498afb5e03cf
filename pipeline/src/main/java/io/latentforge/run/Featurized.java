package io.latentforge.run;

import io.latentforge.config.ImageFeatures;
import io.latentforge.config.TextFeatures;
import io.latentforge.eval.Evaluation;
import io.latentforge.features.image.Standardization;
import io.latentforge.features.text.TextFeaturizer;
import io.latentforge.input.Quarantine;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.schema.CorpusKind;
import java.util.Locale;
import org.apache.spark.ml.PipelineModel;

/**
 * A featurized corpus and what reproduces its features: the vocabulary and term weighting for
 * documents, the standardization for images (each may be null).
 */
public record Featurized(CorpusKind kind, Quarantine.Split split, int inputSize, PipelineModel vocabulary,
    TextFeatures text, Standardization standardization) {

  /** What evaluation's baselines are made from. */
  public Evaluation.Inputs evaluationInputs() {
    return Evaluation.Inputs.of(kind, text == null ? null : text.weighting());
  }

  public int vocabularySize() {
    return vocabulary == null ? 0 : TextFeaturizer.vocabularySize(vocabulary);
  }

  /** The {@code input} section of model.json: what an encode run needs to featurize the same way. */
  ModelCard.Input inputSpec(ImageFeatures image) {
    return kind == CorpusKind.IMAGE
        ? ModelCard.Input.image(inputSize, image.height(), image.width(), image.channels(),
            standardization == null ? null : new ModelCard.Moments(standardization.mean(), standardization.std()))
        : ModelCard.Input.text(inputSize, ModelStore.VOCABULARY_DIR, vocabularySize(),
            text.weighting().name().toLowerCase(Locale.ROOT), text.normalize().name().toLowerCase(Locale.ROOT),
            text.scale());
  }
}
