package io.latentforge.run;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.TextFeatures;
import io.latentforge.eval.Evaluation;
import io.latentforge.image.Standardization;
import io.latentforge.io.ModelStore;
import io.latentforge.io.Quarantine;
import io.latentforge.schema.CorpusKind;
import io.latentforge.text.TextFeaturizer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
  Map<String, Object> inputSpec(LatentforgeConfig config) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("kind", kind.name().toLowerCase(Locale.ROOT));
    input.put("features", inputSize);
    if (kind == CorpusKind.IMAGE) {
      input.put("height", config.image().height());
      input.put("width", config.image().width());
      input.put("channels", config.image().channels());
      input.put("layout", "CHW, scaled to [0,1]");
      if (standardization != null) {
        input.put("standardization", Map.of("mean", standardization.mean(), "std", standardization.std()));
      }
    } else {
      input.put("vocabulary", ModelStore.VOCABULARY_DIR);
      input.put("vocabulary_size", vocabularySize());
      input.put("weighting", text.weighting().name().toLowerCase(Locale.ROOT));
      input.put("normalize", text.normalize().name().toLowerCase(Locale.ROOT));
    }
    return input;
  }
}
