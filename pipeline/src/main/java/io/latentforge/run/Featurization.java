package io.latentforge.run;

import io.latentforge.config.ImageFeatures;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.TextFeatures;
import io.latentforge.features.image.ImageFeaturizer;
import io.latentforge.features.image.Standardization;
import io.latentforge.features.text.TextFeaturizer;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.schema.CorpusKind;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;

/** Featurizes a corpus: fitting the featurization (nightly) or reusing a saved model's (encode). */
final class Featurization {

  private Featurization() {}

  /** Fits vocabulary or standardization on this corpus, as configured. */
  static Featurized fit(CorpusSource.Corpus corpus, CorpusKind kind, LatentforgeConfig config) {
    if (kind == CorpusKind.IMAGE) {
      Quarantine.Split split = ImageFeaturizer.featurize(corpus.rows(), config.image(), config.input().maxImagePixels());
      Standardization standardization = config.image().standardize()
          ? Standardization.fit(split.accepted(), config.image().channels()) : null;
      return images(split, config.image().size(), standardization);
    }
    TextFeaturizer.Result text = TextFeaturizer.featurize(corpus.rows(), config.text());
    return new Featurized(kind, text.split(), text.vocabularySize(), text.vocabulary(), config.text(), null);
  }

  /** Featurizes as the model's training did, from the input spec and vocabulary saved with it. */
  static Featurized likeModel(CorpusSource.Corpus corpus, CorpusKind kind, LatentforgeConfig config, ModelStore.Loaded model) {
    ModelCard.Input input = model.input();
    if (kind == CorpusKind.IMAGE) {
      ImageFeatures spec = imageSpec(model);
      Quarantine.Split split = ImageFeaturizer.featurize(corpus.rows(), spec, config.input().maxImagePixels());
      return images(split, spec.size(), standardization(model));
    }
    PipelineModel vocabulary = PipelineModel.load(new Path(model.dir(), ModelStore.VOCABULARY_DIR).toString());
    TextFeatures spec = config.text();
    TextFeatures saved = new TextFeatures(spec.vocabSize(), spec.minDf(), spec.maxDf(), spec.minTokenLength(),
        spec.stopWords(), spec.extraStopWords(),
        TextFeatures.Weighting.valueOf(input.weighting().toUpperCase(Locale.ROOT)),
        // Models saved before normalization existed did not normalize.
        TextFeatures.Normalize.valueOf(input.normalize() == null ? "NONE" : input.normalize().toUpperCase(Locale.ROOT)),
        input.scale() == null ? 1.0 : input.scale());
    Quarantine.Split split = TextFeaturizer.apply(corpus.rows(), vocabulary, saved);
    return new Featurized(kind, split, TextFeaturizer.vocabularySize(vocabulary), vocabulary, saved, null);
  }

  /** The image size and channels the model was trained on. */
  static ImageFeatures imageSpec(ModelStore.Loaded model) {
    ModelCard.Input input = model.input();
    return new ImageFeatures(input.height(), input.width(), input.channels());
  }

  /** The standardization the model's training fitted, or null when its images were not standardized. */
  static Standardization standardization(ModelStore.Loaded model) {
    ModelCard.Moments saved = model.input().standardization();
    return saved == null ? null : new Standardization(saved.mean(), saved.std());
  }

  private static Featurized images(Quarantine.Split split, int size, Standardization standardization) {
    Quarantine.Split out = standardization == null ? split : split.withAccepted(standardization.apply(split.accepted()));
    return new Featurized(CorpusKind.IMAGE, out, size, null, null, standardization);
  }
}
