package io.latentforge.model;

import io.latentforge.fs.HadoopFiles;
import io.latentforge.LatentforgeException;
import io.latentforge.fs.DirectorySwap;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Model directories ({@code OUT/models/<model_id>/}): the DL4J network with its updater state, the
 * text vocabulary when there is one, and {@code model.json} describing both. A directory is
 * written in staging and swapped into place whole; loading checks the SHA-256 that
 * {@code model.json} records before deserializing, since ModelSerializer uses Java serialization.
 */
public final class ModelStore {

  public static final String MODEL_FILE = "model.zip";
  public static final String CARD_FILE = ModelCard.FILE;
  public static final String VOCABULARY_DIR = "vocabulary";

  private final Configuration hadoop;

  public ModelStore(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** A model loaded from its directory, after its checksum matched. */
  public record Loaded(String dir, ModelCard card, MultiLayerNetwork network) {

    public String modelId() {
      return card.modelId();
    }

    public ModelCard.Input input() {
      return card.input();
    }
  }

  /** A new staging directory for {@code modelId} beside the published models. */
  public String stage(String modelsRoot, String modelId) {
    return new DirectorySwap(fs(new Path(modelsRoot)), new Path(modelsRoot)).staging(modelId).toString();
  }

  /** Replaces {@code modelsRoot/modelId} with the staged directory. */
  public void commit(String staged, String modelsRoot, String modelId) {
    try {
      DirectorySwap swap = new DirectorySwap(fs(new Path(modelsRoot)), new Path(modelsRoot));
      swap.recover(modelId);
      swap.publish(new Path(staged), modelId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish model " + modelId, e);
    }
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

  /** Removes a staged directory of a run that failed before publishing it. */
  public void discard(String staged) {
    try {
      Path path = new Path(staged);
      new DirectorySwap(fs(path), path.getParent().getParent()).discard(path);
    } catch (RuntimeException e) {
      // Best effort: staging is invisible to readers.
    }
  }

  public void saveCard(String modelDir, ModelCard card) {
    HadoopFiles.writeJson(hadoop, new Path(modelDir, CARD_FILE), card);
  }

  public Loaded load(String modelDir) {
    Path cardPath = new Path(modelDir, CARD_FILE);
    Path modelPath = new Path(modelDir, MODEL_FILE);
    FileSystem fs = fs(cardPath);
    ModelCard card;
    try (InputStream in = fs.open(cardPath)) {
      card = ModelCard.read(in, cardPath.toString());
    } catch (IOException e) {
      throw LatentforgeException.badInput("No readable " + CARD_FILE + " in " + modelDir + " (" + e.getMessage() + ").",
          "pass --model the directory of a model latentforge wrote (OUT/models/<model_id>).");
    }
    String expected = card.modelSha256();
    String actual = sha256(fs, modelPath);
    if (!expected.equals(actual)) {
      throw LatentforgeException.badInput("Refusing to load " + modelPath + ": its SHA-256 is " + actual + " but "
          + CARD_FILE + " records " + expected + ".", "the file was changed or damaged; use the model as latentforge wrote it.");
    }
    try (InputStream in = fs.open(modelPath)) {
      return new Loaded(modelDir, card, ModelSerializer.restoreMultiLayerNetwork(in, false));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + modelPath, e);
    }
  }

  private static String sha256(FileSystem fs, Path file) {
    try (InputStream in = new DigestInputStream(fs.open(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw LatentforgeException.badInput("Refusing to load " + file + ": it cannot be read whole to check its SHA-256 ("
          + e.getMessage() + ").", "the file was changed or damaged; use the model as latentforge wrote it.");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private FileSystem fs(Path path) {
    try {
      return path.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
