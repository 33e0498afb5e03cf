package io.latentforge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.ConvPlan;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.TextFeatures;
import io.latentforge.encode.Encoder;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Every model type trains through Spark, saves, reloads and encodes; the conv shape arithmetic. */
@ExtendWith(SparkSessionExtension.class)
class AutoencoderTypesTest {

  @Test
  void autoLossFollowsWhatTheFeaturesAre() {
    ModelSpec.Loss auto = ModelSpec.Loss.AUTO;
    TextFeatures probability = TextFeatures.of(10, 1, 2, TextFeatures.Weighting.PROBABILITY);
    TextFeatures log = TextFeatures.of(10, 1, 2, TextFeatures.Weighting.LOG);
    TextFeatures logSummingToOne = new TextFeatures(10, 1, 1.0, 2, "english", List.of(), TextFeatures.Weighting.LOG,
        TextFeatures.Normalize.L1, 1.0);
    assertThat(Autoencoder.resolveLoss(auto, CorpusKind.TEXT, probability, false)).isEqualTo(ModelSpec.Loss.MULTINOMIAL);
    assertThat(Autoencoder.resolveLoss(auto, CorpusKind.TEXT, logSummingToOne, false)).isEqualTo(ModelSpec.Loss.MULTINOMIAL);
    assertThat(Autoencoder.resolveLoss(auto, CorpusKind.TEXT, log, false)).isEqualTo(ModelSpec.Loss.MSE);
    assertThat(Autoencoder.resolveLoss(auto, CorpusKind.TEXT, TextFeatures.of(10, 1, 2, TextFeatures.Weighting.BINARY),
        false)).isEqualTo(ModelSpec.Loss.XENT);
    assertThat(Autoencoder.resolveLoss(auto, CorpusKind.IMAGE, probability, false)).isEqualTo(ModelSpec.Loss.XENT);
    assertThat(Autoencoder.resolveLoss(auto, CorpusKind.IMAGE, probability, true)).isEqualTo(ModelSpec.Loss.MSE);
    assertThat(Autoencoder.resolveLoss(ModelSpec.Loss.MSE, CorpusKind.TEXT, probability, false))
        .isEqualTo(ModelSpec.Loss.MSE);
  }

  private static final String[] IMAGE_12 = {"features.image.height=12", "features.image.width=12", "train.epochs=2"};

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"model.type=shallow", "model.type=deep", "model.type=denoising", "model.type=conv",
      "model.type=vae", "model.type=deep;model.binary-codes=true",
      "model.type=conv;model.conv.downsample=pool;model.conv.kernel-sizes=[3,3]"})
  void everyTypeTrainsSavesReloadsAndGivesIdenticalCodes(String settings, SparkSession spark) {
    double[][] x = AutoencoderFamilyTest.bars(256, 12, 7);
    String[] all = Training.concat(IMAGE_12, settings.split(";"));
    Training.Model model = Training.train(spark, x, true, tmp, all);
    INDArray before = model.codes(x);
    assertThat(before.columns()).isEqualTo(model.config().model().codeSize());

    ModelStore store = new ModelStore(spark.sparkContext().hadoopConfiguration());
    String dir = tmp.resolve("model").toString();
    CodeLayer code = model.architecture().code();
    store.saveCard(dir, new ModelCard(ModelCard.FORMAT_VERSION, "types-test", settings, "mse",
        model.config().model().codeSize(), code.index(), code.binary(), null, null, null, null, null, null, null, null,
        ModelStore.MODEL_FILE, store.saveNetwork(dir, model.network()), null, null, null, null));
    ModelStore.Loaded loaded = store.load(dir);
    Training.Model reloaded = new Training.Model(loaded.network(),
        new Autoencoder.Architecture(loaded.network().getLayerWiseConfigurations(), loaded.card().code()),
        model.config());

    // Bit-exact: the same rows in the same batch, the same thread count, parameters restored exactly.
    assertThat(reloaded.codes(x)).isEqualTo(before);
    assertThat(reloaded.architecture().code()).isEqualTo(model.architecture().code());
  }

  @Test
  void binaryCodesArePackedIntoCodeBitsByThresholdingAtOneHalf(SparkSession spark) {
    double[][] x = AutoencoderFamilyTest.bars(200, 12, 8);
    Training.Model model = Training.train(spark, x, false, tmp, "model.type=deep", "model.encoder-layers=[32]",
        "model.code-size=12", "model.binary-codes=true", "train.epochs=2");
    List<Row> rows = Encoder.encode(spark, Training.rows(spark, x), model.network(), "m", model.architecture().code(),
        144, 16).collectAsList();

    assertThat(rows).hasSize(200);
    for (Row r : rows) {
      List<Float> code = r.getList(r.fieldIndex(Columns.CODE));
      byte[] bits = r.getAs(Columns.CODE_BITS);
      assertThat(bits).hasSize(2); // 12 bits in 2 bytes
      for (int i = 0; i < 12; i++) {
        boolean bit = (bits[i / 8] & (0x80 >>> (i % 8))) != 0;
        assertThat(bit).as("bit %d of %s", i, code).isEqualTo(code.get(i) >= 0.5f);
      }
      assertThat(bits[1] & 0x0F).as("unused low bits of the last byte").isZero();
    }
  }

  @Test
  void packBitsPutsTheFirstValueInTheHighBit() {
    float[] code = {0.9f, 0.1f, 0.5f, 0.49f, 1f, 0f, 0f, 0f, 0.7f};
    assertThat(CodeLayer.packBits(code, 0, 9)).containsExactly((byte) 0b1010_1000, (byte) 0b1000_0000);
    assertThat(CodeLayer.packBits(code, 8, 1)).containsExactly((byte) 0b1000_0000);
  }

  @Test
  void convShapesRoundTripForMnistAndCifarSizes() {
    ModelSpec.Conv stride = ConfigLoader.load(null, List.of()).model().conv();
    ConvPlan mnist = ConvPlan.validated(stride, new ConvPlan.Shape(1, 28, 28));
    assertThat(mnist.encoder()).extracting(s -> s.out().toString()).containsExactly("16x14x14", "32x7x7");
    assertThat(mnist.decoder()).extracting(s -> s.out().toString()).containsExactly("16x14x14", "1x28x28");
    ConvPlan cifar = ConvPlan.validated(stride, new ConvPlan.Shape(3, 32, 32));
    assertThat(cifar.bottleneck()).hasToString("32x8x8");
    assertThat(cifar.decoder().get(1).out()).hasToString("3x32x32");

    ModelSpec.Conv pool = new ModelSpec.Conv(ModelSpec.Downsample.POOL, List.of(8, 16), List.of(3, 3), List.of(2, 2),
        List.of(1, 1));
    ConvPlan pooled = ConvPlan.validated(pool, new ConvPlan.Shape(1, 28, 28));
    assertThat(pooled.encoder()).extracting(s -> s.out().toString())
        .containsExactly("8x28x28", "8x14x14", "16x14x14", "16x7x7");
    assertThat(pooled.decoder()).extracting(s -> s.out().toString()).containsExactly("8x14x14", "1x28x28");
  }

  @Test
  void aConvConfigThatDoesNotReturnToTheInputShapeFailsWithEveryLayersShape() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.type=conv", "model.conv.kernel-sizes=[3, 3]")))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("model.conv")
        .hasMessageContaining("input 1x28x28 -> conv1 k3 s2 p1: 16x14x14 -> conv2 k3 s2 p1: 32x7x7"
            + " -> deconv2 k3 s2 p1: 16x13x13 -> deconv1 k3 s2 p1: 1x25x25");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.type=conv", "model.conv.channels=[8]")))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("one entry per stage");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.type=conv", "model.conv.kernel-sizes=[40, 4]")))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("conv1 k40 s2 p1: empty");
  }

  @Test
  void modelSettingsThatCannotWorkTogetherFailWhenTheConfigIsRead() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.type=vae", "model.binary-codes=true")))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("mean of q(z|x)");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.type=denoising", "model.corruption.type=none")))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("needs a corruption");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.type=denoising", "model.corruption.level=1.5")))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("fraction");
    assertThat(ConfigLoader.load(null, List.of("model.type=conv")).train().optimizer().learningRate()).isEqualTo(0.001);
    assertThat(ConfigLoader.load(null, List.of("train.learning-rate=0.05")).train().optimizer().learningRate())
        .isEqualTo(0.05);
  }

  @Test
  void documentsRefuseConvolutionAndCorruptionsOtherThanWordDropout() {
    ModelSpec conv = ConfigLoader.load(null, List.of("model.type=conv")).model();
    assertThatThrownBy(() -> Autoencoder.requireFits(conv, CorpusKind.TEXT)).isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("needs an image corpus");
    ModelSpec gaussian = ConfigLoader.load(null, List.of("model.type=denoising", "model.corruption.type=gaussian"))
        .model();
    assertThatThrownBy(() -> Autoencoder.requireFits(gaussian, CorpusKind.TEXT))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("word dropout");
    Autoencoder.requireFits(ConfigLoader.load(null, List.of("model.type=denoising")).model(), CorpusKind.TEXT);
    Autoencoder.requireFits(gaussian, CorpusKind.IMAGE);
  }
}
