package io.latentforge.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves a model directory ({@code OUT/models/<model_id>/}): the DL4J network with its updater
 * state, the text vocabulary when there is one, and {@code model.json} describing both. Files are
 * written beside their final name and renamed into place, so a reader never sees half a file.
 */
public final class ModelStore {

  public static final String MODEL_FILE = "model.zip";
  public static final String CARD_FILE = "model.json";
  public static final String VOCABULARY_DIR = "vocabulary";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Configuration hadoop;

  public ModelStore(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** Writes the network and returns the SHA-256 (hex) of the file written. */
  public String saveNetwork(String modelDir, MultiLayerNetwork network) {
    return write(new Path(modelDir, MODEL_FILE), out -> ModelSerializer.writeModel(network, out, true));
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
    write(new Path(modelDir, CARD_FILE), out -> out.write(JSON.writeValueAsString(card).getBytes(StandardCharsets.UTF_8)));
  }

  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private String write(Path target, Body body) {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(hadoop);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (OutputStream out = new DigestOutputStream(fs.create(tmp, true), sha)) {
        body.writeTo(out);
      }
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot replace " + target);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
