package io.latentforge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.fs.HadoopFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * What a model directory must be to load: exactly the files its card lists with their checksums,
 * signed when a key is set, and not DL4J's Java-serialized zip unless that is allowed.
 */
class ModelStoreTest {

  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path tmp;

  private static MultiLayerNetwork network(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).list()
        .layer(new DenseLayer.Builder().nIn(5).nOut(2).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(5).activation(Activation.IDENTITY)
            .build())
        .build());
    net.init();
    return net;
  }

  private static ModelCard card(String sha) {
    return new ModelCard(ModelCard.FORMAT_VERSION, "m", "deep", "mse", 2, 0, false, false,
        ModelCard.Input.text(5, ModelStore.VOCABULARY_DIR, 5, "tfidf", "l2", 1.0), "/in", "2026-11-30", null, null, null,
        null, ModelStore.MODEL_FILE, sha, "2026-11-30T00:00:00Z", Map.of(), null, null);
  }

  /** A model directory with a network and a vocabulary file, written by {@code store}. */
  private Path write(ModelStore store, String name, MultiLayerNetwork network) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir.resolve("vocabulary/metadata"));
    Files.writeString(dir.resolve("vocabulary/metadata/part-00000"), "{\"terms\": [\"a\", \"b\"]}");
    store.saveCard(dir.toString(), card(store.saveNetwork(dir.toString(), network)));
    return dir;
  }

  @Test
  void aModelLoadsAsWrittenAndItsCardListsEveryFile() throws IOException {
    ModelStore store = new ModelStore(HADOOP, ModelSigning.NONE);
    MultiLayerNetwork net = network(1);
    Path dir = write(store, "plain", net);

    ModelStore.Loaded loaded = store.load(dir.toString());
    assertThat(loaded.network().params()).isEqualTo(net.params());
    assertThat(loaded.card().files()).containsOnlyKeys("network.bin", "vocabulary/metadata/part-00000");
  }

  @Test
  void aChangedAddedOrMissingFileIsRefused() throws IOException {
    ModelStore store = new ModelStore(HADOOP, ModelSigning.NONE);
    Path changed = write(store, "changed", network(1));
    Files.writeString(changed.resolve("vocabulary/metadata/part-00000"), "{\"terms\": [\"b\", \"a\"]}");
    assertThatThrownBy(() -> store.load(changed.toString())).isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("the SHA-256 of vocabulary/metadata/part-00000 is");

    Path added = write(store, "added", network(1));
    Files.writeString(added.resolve("vocabulary/extra"), "x");
    assertThatThrownBy(() -> store.load(added.toString())).hasMessageContaining("{vocabulary/extra=not listed}");

    Path missing = write(store, "missing", network(1));
    Files.delete(missing.resolve("vocabulary/metadata/part-00000"));
    assertThatThrownBy(() -> store.load(missing.toString()))
        .hasMessageContaining("{vocabulary/metadata/part-00000=missing}");
  }

  /**
   * Whoever can write the directory can replace the network and update the card's checksums; only
   * a signature with a key they do not have tells.
   */
  @Test
  void withASigningKeyAReplacedModelWithUpdatedChecksumsIsRefused() throws IOException {
    ModelStore signed = new ModelStore(HADOOP, ModelSigning.withKey("the operators' key"));
    Path dir = write(signed, "signed", network(1));
    assertThat(dir.resolve(ModelStore.SIGNATURE_FILE)).exists();
    assertThat(signed.load(dir.toString()).modelId()).isEqualTo("m");

    // The attacker rewrites network.bin and model.json consistently, without the key.
    new ModelStore(HADOOP, ModelSigning.NONE).saveCard(dir.toString(),
        card(new ModelStore(HADOOP, ModelSigning.NONE).saveNetwork(dir.toString(), network(2))));
    assertThat(new ModelStore(HADOOP, ModelSigning.NONE).load(dir.toString()).network().params())
        .as("without a key only the checksums are checked").isEqualTo(network(2).params());
    assertThatThrownBy(() -> signed.load(dir.toString())).isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("model.sig does not match model.json with the key in LATENTFORGE_MODEL_SIGNING_KEY");

    Path unsigned = write(new ModelStore(HADOOP, ModelSigning.NONE), "unsigned", network(1));
    assertThatThrownBy(() -> signed.load(unsigned.toString()))
        .hasMessageContaining("it is not signed, and LATENTFORGE_MODEL_SIGNING_KEY is set");
    assertThatThrownBy(() -> new ModelStore(HADOOP, ModelSigning.withKey("another key")).load(dir.toString()))
        .hasMessageContaining("does not match");
  }

  /** A directory as earlier releases wrote it: DL4J's model.zip, the card without a file list. */
  @Test
  void aLegacyModelLoadsOnlyWhenAllowed() throws IOException {
    Path dir = tmp.resolve("legacy");
    Files.createDirectories(dir);
    MultiLayerNetwork net = network(3);
    String sha = HadoopFiles.write(HADOOP, new org.apache.hadoop.fs.Path(dir.resolve("model.zip").toString()),
        out -> ModelSerializer.writeModel(net, out, true));
    ModelCard legacy = new ModelCard(1, "old", "deep", "mse", 2, 0, false, null, null, null, null, null, null, null,
        null, ModelStore.LEGACY_MODEL_FILE, sha, null, null, null, null);
    HadoopFiles.writeJson(HADOOP, new org.apache.hadoop.fs.Path(dir.resolve("model.json").toString()), legacy);
    ModelStore store = new ModelStore(HADOOP, ModelSigning.NONE);

    assertThatThrownBy(() -> store.load(dir.toString())).isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("deserializes Java objects").hasMessageContaining("model.allow-legacy-format=true");
    assertThat(store.load(dir.toString(), true).network().params()).isEqualTo(net.params());
  }
}
