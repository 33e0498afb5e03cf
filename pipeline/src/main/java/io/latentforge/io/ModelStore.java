package io.latentforge.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves a model directory ({@code OUT/models/<model_id>/}): the DL4J network with its updater
 * state, the text vocabulary when there is one, and {@code model.json} describing both.
 */
public final class ModelStore {

  public static final String MODEL_FILE = "model.zip";
  public static final String CARD_FILE = "model.json";
  public static final String VOCABULARY_DIR = "vocabulary";

  private final Configuration hadoop;

  public ModelStore(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** Writes the network and returns the SHA-256 (hex) of the file written. */
  public String saveNetwork(String modelDir, MultiLayerNetwork network) {
    return HadoopFiles.write(hadoop, new Path(modelDir, MODEL_FILE), out -> ModelSerializer.writeModel(network, out, true));
  }

  public void saveVocabulary(String modelDir, PipelineModel vocabulary) {
    try {
      vocabulary.write().overwrite().save(new Path(modelDir, VOCABULARY_DIR).toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the vocabulary under " + modelDir, e);
    }
  }

  /** Writes {@code model.json}; call last, so its presence means the model directory is complete. */
  public void saveCard(String modelDir, Map<String, Object> card) {
    HadoopFiles.writeJson(hadoop, new Path(modelDir, CARD_FILE), card);
  }
}
