package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.model.EpochMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class CheckpointsTest {

  private static final String FINGERPRINT = "0123456789abcdef";

  @TempDir
  Path tmp;

  private static MultiLayerNetwork network(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
        .updater(new org.nd4j.linalg.learning.config.Adam(0.01)).list()
        .layer(new DenseLayer.Builder().nIn(6).nOut(3).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(6).activation(Activation.IDENTITY)
            .build())
        .build());
    net.init();
    return net;
  }

  private static Checkpoints.State state(int epoch) {
    List<EpochMetrics> epochs = new java.util.ArrayList<>();
    for (int e = 1; e <= epoch; e++) {
      epochs.add(new EpochMetrics(e, 1.0 / e, e == 2 ? Double.NaN : 2.0 / e, 100, 1.5, 1.5 * e, 3.0));
    }
    return new Checkpoints.State(epoch, 42, 1, epochs, FINGERPRINT);
  }

  @Test
  void theStateAndNetworkOfTheNewestCheckpointComeBackAsSaved() {
    Checkpoints checkpoints = new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString());
    checkpoints.save(1, network(1), state(1));
    MultiLayerNetwork second = network(2);
    checkpoints.save(2, second, state(2));

    Checkpoints.Restored restored = checkpoints.newestReadable(FINGERPRINT).orElseThrow();
    assertThat(restored.epoch()).isEqualTo(2);
    assertThat(restored.state()).isEqualTo(state(2));
    assertThat(restored.state().formatVersion()).isEqualTo(Checkpoints.State.FORMAT_VERSION);
    assertThat(restored.network().params()).isEqualTo(second.params());
  }

  @Test
  void aCheckpointOfANewerFormatIsPassedOverForTheNewestOneThisReleaseReads() throws IOException {
    Path dir = tmp.resolve("ckpt-newer");
    Checkpoints checkpoints = new Checkpoints(new Configuration(), dir.toString());
    checkpoints.save(1, network(1), state(1));
    checkpoints.save(2, network(2), state(2));
    Path json = dir.resolve("epoch-0002.json");
    Files.writeString(json, Files.readString(json).replace("\"format_version\" : 1", "\"format_version\" : 2"));

    assertThat(checkpoints.newestReadable(FINGERPRINT).orElseThrow().epoch()).isEqualTo(1);
  }

  /** A checkpoint state as the releases before format versions wrote it (from the demo's runs). */
  @Test
  void aStateWrittenBeforeFormatVersionsExistedStillReads() throws IOException {
    try (InputStream in = CheckpointsTest.class.getResourceAsStream("/formats/checkpoint-before-versions.json")) {
      Checkpoints.State state = Checkpoints.State.read(in, new org.apache.hadoop.fs.Path("epoch-0029.json"));
      assertThat(state.formatVersion()).isEqualTo(1);
      assertThat(state.epoch()).isEqualTo(29);
      assertThat(state.bestEpoch()).isEqualTo(29);
      assertThat(state.seed()).isEqualTo(42);
      assertThat(state.epochs()).hasSize(29);
      // validation_recon_error: the name before the loss replaced it.
      assertThat(state.epochs().get(0).validationLoss()).isEqualTo(71.59105880771365);
    }
  }

  /** A network after a few Adam steps: its updater holds moments and the iteration count is past 0. */
  private static MultiLayerNetwork trained() {
    MultiLayerNetwork net = network(3);
    org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.rand(new int[] {16, 6});
    for (int i = 0; i < 5; i++) {
      net.fit(x, x);
    }
    return net;
  }

  @Test
  void aCheckpointCarriesTheUpdaterStateAsRawArraysWithoutJavaSerialization() throws IOException {
    Path dir = tmp.resolve("ckpt-updater");
    Checkpoints checkpoints = new Checkpoints(new Configuration(), dir.toString());
    MultiLayerNetwork net = trained();
    checkpoints.save(1, net, state(1));

    MultiLayerNetwork restored = checkpoints.newestReadable(FINGERPRINT).orElseThrow().network();
    assertThat(restored.params()).isEqualTo(net.params());
    assertThat(net.getUpdater().getStateViewArray().sumNumber().doubleValue()).isNotZero();
    assertThat(restored.getUpdater().getStateViewArray()).isEqualTo(net.getUpdater().getStateViewArray());
    assertThat(restored.getLayerWiseConfigurations().getIterationCount()).isEqualTo(5);
    byte[] file = Files.readAllBytes(dir.resolve("epoch-0001.network"));
    assertThat(indexOf(file, new byte[] {(byte) 0xAC, (byte) 0xED, 0x00, 0x05})).as("Java serialization's magic")
        .isEqualTo(-1);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void checkpointsOfAnotherCorpusOrOtherSettingsAreNotResumedAndAreRemoved() {
    Path dir = tmp.resolve("ckpt-other-input");
    Checkpoints checkpoints = new Checkpoints(new Configuration(), dir.toString());
    checkpoints.save(1, network(1), state(1));
    checkpoints.saveBest(network(1));

    assertThat(checkpoints.newestReadable("fedcba9876543210")).isEmpty();
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void aDamagedBestCopyLosesOnlyTheBestCopyNotTheResumePoint() throws IOException {
    Path dir = tmp.resolve("ckpt-best");
    Checkpoints checkpoints = new Checkpoints(new Configuration(), dir.toString());
    checkpoints.saveBest(network(1));
    MultiLayerNetwork second = network(2);
    checkpoints.save(2, second, state(2));
    Files.write(dir.resolve("best.network"), new byte[] {1, 2, 3});

    Checkpoints.Restored restored = checkpoints.newestReadable(FINGERPRINT).orElseThrow();
    assertThat(restored.epoch()).isEqualTo(2);
    assertThat(restored.network().params()).isEqualTo(second.params());
    assertThat(restored.best()).isNull();
  }
}
