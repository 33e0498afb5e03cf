package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.TrainSettings;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.NetworkFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The learning rate over a run, and a network that carries the schedule through a checkpoint. */
class LearningRateScheduleTest {

  @Test
  void warmsUpLinearlyThenDecaysByCosineToItsFloor() {
    LearningRateSchedule s = new LearningRateSchedule(0.01, 9, 109, true, 0.05, 1);
    assertThat(s.valueAt(0, 0)).isCloseTo(0.001, within(1e-12));
    assertThat(s.valueAt(4, 0)).isCloseTo(0.005, within(1e-12));
    assertThat(s.valueAt(9, 0)).isCloseTo(0.01, within(1e-12));
    assertThat(s.valueAt(59, 0)).isCloseTo(0.01 * (0.05 + 0.95 * 0.5), within(1e-12));
    assertThat(s.valueAt(109, 0)).isCloseTo(0.0005, within(1e-12));
    assertThat(s.valueAt(500, 0)).isCloseTo(0.0005, within(1e-12));
  }

  @Test
  void plateausHalveTheRateAfterPatienceEpochsWithoutABetterValidationError() {
    TrainSettings.Schedule plateau = new TrainSettings.Schedule(TrainSettings.ScheduleKind.PLATEAU, 0, 0.05, 0.5, 2, true, 0.1);
    List<EpochMetrics> history = new ArrayList<>();
    double[] validation = {5, 4, 4.5, 4.2, 3.9, 4.0, 4.1, 4.0, 3.95};
    double[] scaleAfter = {1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125};
    for (int e = 0; e < validation.length; e++) {
      history.add(new EpochMetrics(e + 1, 1, validation[e], 1, 1, 1, 1));
      assertThat(LearningRateSchedule.plateauScale(plateau, history)).as("after epoch %d", e + 1)
          .isEqualTo(scaleAfter[e]);
    }
    TrainSettings.Schedule constant = new TrainSettings.Schedule(TrainSettings.ScheduleKind.CONSTANT, 0, 0.05, 0.5, 2, true, 0.1);
    assertThat(LearningRateSchedule.plateauScale(constant, history)).isEqualTo(1);
  }

  @Test
  void aPlateauGoesBackToTheBestEpochOnlyWhenTheLossJumpedPastTheMargin() {
    TrainSettings.Schedule restoring = new TrainSettings.Schedule(TrainSettings.ScheduleKind.PLATEAU, 0, 0.05, 0.5, 2,
        true, 0.1);
    assertThat(restoring.restoresBest(0.00027, 0.00019)).as("a jump of 40%").isTrue();
    assertThat(restoring.restoresBest(1.011 * 76.19, 76.19)).as("a stall 1% above the best").isFalse();
    assertThat(restoring.restoresBest(1.09, 1.0)).as("9% above, inside the margin").isFalse();
    TrainSettings.Schedule always = new TrainSettings.Schedule(TrainSettings.ScheduleKind.PLATEAU, 0, 0.05, 0.5, 2,
        true, 0);
    assertThat(always.restoresBest(1.011 * 76.19, 76.19)).as("margin 0: every plateau above the best").isTrue();
    TrainSettings.Schedule never = new TrainSettings.Schedule(TrainSettings.ScheduleKind.PLATEAU, 0, 0.05, 0.5, 2,
        false, 0);
    assertThat(never.restoresBest(0.00027, 0.00019)).as("plateau-restores-best = false").isFalse();
  }

  @Test
  void aRestoredNetworkContinuesExactlyAsTheOriginal() throws Exception {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.type=deep", "model.encoder-layers=[16, 8]",
        "model.code-size=4"));
    MultiLayerNetwork net = new MultiLayerNetwork(
        Autoencoder.build(config.model(), ModelSpec.Loss.XENT, 25, null, config.train()).configuration());
    net.init();
    net.setLearningRate(new LearningRateSchedule(0.003, 3, 100, false, 0.05, 1));
    INDArray x = Nd4j.rand(DataType.FLOAT, 32, 25);
    for (int i = 0; i < 5; i++) {
      net.fit(new DataSet(x, x));
    }
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    NetworkFormat.write(net, true, saved);
    MultiLayerNetwork restored = NetworkFormat.read(new ByteArrayInputStream(saved.toByteArray()), true, "saved");
    // As a resumed run does: a schedule set afresh on the restored network. Its layers each read their
    // own schedule object back; Adam's state must keep the layout it was saved in.
    for (MultiLayerNetwork n : List.of(net, restored)) {
      n.setLearningRate(new LearningRateSchedule(0.003, 3, 100, false, 0.05, 0.5));
      n.fit(new DataSet(x, x));
    }
    assertThat(restored.getUpdater().getStateViewArray().equalsWithEps(net.getUpdater().getStateViewArray(), 1e-6))
        .as("updater state").isTrue();
    assertThat(restored.params().equalsWithEps(net.params(), 1e-6)).as("parameters").isTrue();
  }
}
