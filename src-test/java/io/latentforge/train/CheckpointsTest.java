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

  @TempDir
  Path tmp;

  private static MultiLayerNetwork network(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).list()
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
    return new Checkpoints.State(epoch, 42, 1, epochs);
  }

  @Test
  void theStateAndNetworkOfTheNewestCheckpointComeBackAsSaved() {
    Checkpoints checkpoints = new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString());
    checkpoints.save(1, network(1), state(1));
    MultiLayerNetwork second = network(2);
    checkpoints.save(2, second, state(2));

    Checkpoints.Restored restored = checkpoints.newestReadable().orElseThrow();
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

    assertThat(checkpoints.newestReadable().orElseThrow().epoch()).isEqualTo(1);
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
}
