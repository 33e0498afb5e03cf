package io.latentforge.model;

import io.latentforge.LatentforgeException;
import io.latentforge.fs.HadoopFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.ml.PipelineModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model directories ({@code OUT/models/<model_id>/}): the network ({@link NetworkFormat}: JSON
 * configuration and raw arrays, no Java serialization) with its updater state, the text
 * vocabulary when there is one, and {@code model.json} describing them with the SHA-256 of every
 * file; with a signing key, {@code model.sig} signs {@code model.json} ({@link ModelSigning}). A
 * directory is written in staging and published with the run's other outputs. Loading checks the
 * signature (with a key), then that the directory holds exactly the files the card lists, each
 * with its checksum, before reading any of them. Directories of releases before this format
 * ({@code model.zip}, DL4J's ModelSerializer, which deserializes Java objects) load only when
 * {@code model.allow-legacy-format} is set.
 */
public final class ModelStore {

  private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
  public static final String MODEL_FILE = "network.bin";
  /** The network file of model directories written before {@link NetworkFormat}. */
  public static final String LEGACY_MODEL_FILE = "model.zip";
  public static final String CARD_FILE = ModelCard.FILE;
  public static final String SIGNATURE_FILE = "model.sig";
  public static final String VOCABULARY_DIR = "vocabulary";
  /** Training state moved in when the model is published; not part of what is loaded or checked. */
  private static final String CHECKPOINTS_DIR = "checkpoints";

  private final Configuration hadoop;
  private final ModelSigning signing;

  /** With the signing key of the environment, if any. */
  public ModelStore(Configuration hadoop) {
    this(hadoop, ModelSigning.fromEnvironment());
  }

  public ModelStore(Configuration hadoop, ModelSigning signing) {
    this.hadoop = hadoop;
    this.signing = signing;
  }

  /** A model loaded from its directory, after its checksums (and signature) matched. */
  public record Loaded(String dir, ModelCard card, MultiLayerNetwork network) {

    public String modelId() {
      return card.modelId();
    }

    public ModelCard.Input input() {
      return card.input();
    }
  }

  /** Writes the network and returns the SHA-256 (hex) of the file written. */
  public String saveNetwork(String modelDir, MultiLayerNetwork network) {
    return HadoopFiles.write(hadoop, new Path(modelDir, MODEL_FILE), out -> NetworkFormat.write(network, true, out));
  }

  public void saveVocabulary(String modelDir, PipelineModel vocabulary) {
    try {
      vocabulary.write().overwrite().save(new Path(modelDir, VOCABULARY_DIR).toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the vocabulary under " + modelDir, e);
    }
  }

  /** Writes {@code model.json}, with the checksums of every file written so far, then its signature. */
  public void saveCard(String modelDir, ModelCard card) {
    try {
      FileSystem fs = new Path(modelDir).getFileSystem(hadoop);
      ModelCard complete = card.withFiles(checksums(fs, new Path(modelDir)));
      String sha = HadoopFiles.writeJson(hadoop, new Path(modelDir, CARD_FILE), complete);
      if (signing.enabled()) {
        byte[] written = read(fs, new Path(modelDir, CARD_FILE));
        requireSha(written, sha, new Path(modelDir, CARD_FILE));
        HadoopFiles.write(hadoop, new Path(modelDir, SIGNATURE_FILE),
            out -> out.write(signing.sign(written).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the card of " + modelDir, e);
    }
  }

  public Loaded load(String modelDir) {
    return load(modelDir, false);
  }

  /** @param allowLegacy whether a directory of the format before {@link NetworkFormat} may be deserialized */
  public Loaded load(String modelDir, boolean allowLegacy) {
    Path dir = new Path(modelDir);
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      byte[] cardBytes = readCard(fs, dir);
      requireSignature(fs, dir, cardBytes);
      ModelCard card = ModelCard.read(new ByteArrayInputStream(cardBytes), new Path(dir, CARD_FILE).toString());
      if (card.files() == null) {
        return loadLegacy(fs, dir, card, allowLegacy);
      }
      requireFilesAsListed(fs, dir, card.files());
      Path network = new Path(dir, card.modelFile());
      byte[] bytes = read(fs, network);
      requireSha(bytes, card.files().get(card.modelFile()), network);
      return new Loaded(modelDir, card, NetworkFormat.read(new ByteArrayInputStream(bytes), true, network.toString()));
    } catch (IOException e) {
      throw refused(dir, "it cannot be read (" + e.getMessage() + ")");
    }
  }

  private static byte[] readCard(FileSystem fs, Path dir) {
    try {
      return read(fs, new Path(dir, CARD_FILE));
    } catch (IOException e) {
      throw LatentforgeException.badInput("No readable " + CARD_FILE + " in " + dir + " (" + e.getMessage() + ").",
          "pass --model the directory of a model latentforge wrote (OUT/models/<model_id>).");
    }
  }

  private void requireSignature(FileSystem fs, Path dir, byte[] cardBytes) throws IOException {
    Path signature = new Path(dir, SIGNATURE_FILE);
    if (!signing.enabled()) {
      if (fs.exists(signature)) {
        LOG.info("{} is signed, but {} is not set: its signature is not checked", dir, ModelSigning.ENVIRONMENT);
      }
      return;
    }
    String written = fs.exists(signature) ? new String(read(fs, signature), java.nio.charset.StandardCharsets.US_ASCII)
        : null;
    if (!signing.verifies(cardBytes, written)) {
      throw refused(dir, written == null ? "it is not signed, and " + ModelSigning.ENVIRONMENT + " is set"
          : "its " + SIGNATURE_FILE + " does not match " + CARD_FILE + " with the key in " + ModelSigning.ENVIRONMENT);
    }
  }

  /** Exactly the listed files, each with its checksum: nothing added, removed or changed. */
  private static void requireFilesAsListed(FileSystem fs, Path dir, Map<String, String> listed) throws IOException {
    Map<String, String> actual = checksums(fs, dir);
    if (!actual.keySet().equals(listed.keySet())) {
      Map<String, String> differ = new TreeMap<>();
      actual.keySet().stream().filter(f -> !listed.containsKey(f)).forEach(f -> differ.put(f, "not listed"));
      listed.keySet().stream().filter(f -> !actual.containsKey(f)).forEach(f -> differ.put(f, "missing"));
      throw refused(dir, "its files differ from those " + CARD_FILE + " lists: " + differ);
    }
    for (Map.Entry<String, String> file : listed.entrySet()) {
      if (!file.getValue().equals(actual.get(file.getKey()))) {
        throw refused(dir, "the SHA-256 of " + file.getKey() + " is " + actual.get(file.getKey()) + " but "
            + CARD_FILE + " records " + file.getValue());
      }
    }
  }

  /** A model directory of the releases before {@link NetworkFormat}: DL4J's zip, with Java serialization. */
  private static Loaded loadLegacy(FileSystem fs, Path dir, ModelCard card, boolean allowed) throws IOException {
    Path zip = new Path(dir, LEGACY_MODEL_FILE);
    if (!allowed) {
      throw LatentforgeException.badInput("Refusing to load " + dir + ": it was written by an earlier latentforge as "
              + "DL4J's " + LEGACY_MODEL_FILE + ", whose loading deserializes Java objects (code could run if someone "
              + "replaced it), and its " + CARD_FILE + " does not cover all its files.",
          "retrain the model (nightly), or, if you trust everyone who can write " + dir
              + ", pass --set model.allow-legacy-format=true.");
    }
    byte[] bytes = read(fs, zip);
    requireSha(bytes, card.modelSha256(), zip);
    LOG.warn("loading {} in the legacy format (model.allow-legacy-format = true): DL4J deserializes it", zip);
    return new Loaded(dir.toString(), card, ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes),
        false));
  }

  /** SHA-256 of every file under {@code dir} but the card, its signature and the checkpoints, by relative path. */
  private static Map<String, String> checksums(FileSystem fs, Path dir) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    if (!fs.exists(dir)) {
      return sums;
    }
    String root = fs.getFileStatus(dir).getPath().toUri().getPath();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
    while (files.hasNext()) {
      Path file = files.next().getPath();
      String relative = file.toUri().getPath().substring(root.length() + 1);
      if (relative.equals(CARD_FILE) || relative.equals(SIGNATURE_FILE) || relative.startsWith(CHECKPOINTS_DIR + "/")
          || hidden(relative)) {
        continue;
      }
      sums.put(relative, sha256(read(fs, file)));
    }
    return sums;
  }

  /** Checksum files of the local file system and temporary files: not the model's. */
  private static boolean hidden(String relative) {
    String name = relative.substring(relative.lastIndexOf('/') + 1);
    return name.startsWith(".");
  }

  private static void requireSha(byte[] bytes, String expected, Path file) {
    String actual = sha256(bytes);
    if (!actual.equals(expected)) {
      throw refused(file, "its SHA-256 is " + actual + " but " + CARD_FILE + " records " + expected);
    }
  }

  private static LatentforgeException refused(Path what, String why) {
    return LatentforgeException.badInput("Refusing to load " + what + ": " + why + ".",
        "the model was changed or damaged; use the model as latentforge wrote it.");
  }

  private static byte[] read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
