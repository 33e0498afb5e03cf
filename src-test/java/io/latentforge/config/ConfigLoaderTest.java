package io.latentforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.schema.CorpusKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  @Test
  void defaultsAreTheConfFile() {
    LatentforgeConfig c = ConfigLoader.load(null, List.of());
    assertThat(c.model().type()).isEqualTo(ModelSpec.Type.DENOISING);
    assertThat(c.model().corruption().level()).isEqualTo(0.2);
    assertThat(c.model().codeSize()).isEqualTo(32);
    assertThat(c.model().encoderLayers()).as("auto, the images' widths until forKind").containsExactly(512, 64);
    assertThat(c.image()).isEqualTo(new ImageFeatures(28, 28, 1));
    assertThat(c.text().weighting()).isEqualTo(TextFeatures.Weighting.TFIDF);
    assertThat(c.text().normalize()).isEqualTo(TextFeatures.Normalize.L2);
    assertThat(c.train().epochs()).isPositive();
  }

  @Test
  void autoActivationWidthsAndLearningRateAreDecidedByTheKindOfCorpus() {
    LatentforgeConfig c = ConfigLoader.load(null, List.of());
    LatentforgeConfig images = c.forKind(CorpusKind.IMAGE);
    assertThat(images.model().activation()).isEqualTo(ModelSpec.Activation.RELU);
    assertThat(images.train().optimizer().learningRate()).isEqualTo(0.003);
    assertThat(images.model().encoderLayers()).containsExactly(512, 64);
    LatentforgeConfig documents = c.forKind(CorpusKind.TEXT);
    assertThat(documents.model().activation()).isEqualTo(ModelSpec.Activation.TANH);
    assertThat(documents.model().encoderLayers()).containsExactly(256, 64);
    assertThat(documents.train().optimizer().learningRate()).isEqualTo(0.01);
    assertThat(documents.forKind(CorpusKind.TEXT)).isEqualTo(documents);
    assertThat(ConfigLoader.load(null, List.of("model.type=vae")).forKind(CorpusKind.TEXT).train().optimizer()
        .learningRate()).isEqualTo(0.001);

    // What the user set is kept.
    LatentforgeConfig set = ConfigLoader.load(null, List.of("model.activation=elu", "train.learning-rate=0.002",
            "model.encoder-layers=[100]")).forKind(CorpusKind.TEXT);
    assertThat(set.model().activation()).isEqualTo(ModelSpec.Activation.ELU);
    assertThat(set.model().encoderLayers()).containsExactly(100);
    assertThat(set.train().optimizer().learningRate()).isEqualTo(0.002);
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.activation=swish")))
        .hasMessageContaining("model.activation").hasMessageContaining("auto");
  }

  @Test
  void setWinsOverConfFileWhichWinsOverDefaults() throws Exception {
    Path conf = dir.resolve("job.conf");
    Files.writeString(conf, "model { code-size = 16, activation = tanh }\ntrain.epochs = 3\n");
    LatentforgeConfig c = ConfigLoader.load(conf, List.of("model.code-size=8", "model.encoder-layers=[100, 50, 25]"));
    assertThat(c.model().codeSize()).isEqualTo(8);
    assertThat(c.model().activation()).isEqualTo(ModelSpec.Activation.TANH);
    assertThat(c.train().epochs()).isEqualTo(3);
    assertThat(c.model().encoderLayers()).containsExactly(100, 50, 25);
    assertThat(c.train().distribution().averaging().frequency())
        .isEqualTo(ConfigLoader.defaults().getInt("train.averaging-frequency"));
  }

  @Test
  void autoBatchGrowsWhileEveryWorkerKeepsFourHundredMinibatchesAnEpoch() {
    TrainSettings.Distribution auto = ConfigLoader.load(null, List.of()).train().distribution();
    assertThat(auto.batchSizePerWorker()).isEqualTo(TrainSettings.Distribution.AUTO_BATCH);
    assertThat(auto.batchFor(9_540, 2)).as("glyphs28's training rows").isEqualTo(32);
    assertThat(auto.batchFor(57_092, 2)).as("debian-packages'").isEqualTo(64);
    assertThat(auto.batchFor(57_092, 16)).isEqualTo(32);
    assertThat(auto.batchFor(2 * 400 * 128, 2)).isEqualTo(128);
    assertThat(auto.batchFor(2 * 400 * 128 - 2, 2)).isEqualTo(64);
    assertThat(auto.batchFor(100_000_000, 2)).isEqualTo(256);
    assertThat(auto.batchFor(0, 2)).isEqualTo(32);
    TrainSettings.Distribution fixed = ConfigLoader.load(null, List.of("train.batch-size-per-worker=8")).train()
        .distribution();
    assertThat(fixed.batchFor(57_092, 2)).isEqualTo(8);
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("train.batch-size-per-worker=0")))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("train.batch-size-per-worker");
  }

  @Test
  void autoTargetNeighboursAreTenForDocumentsAndNoneForImages() {
    TrainSettings.Target auto = ConfigLoader.load(null, List.of()).train().target();
    assertThat(auto.neighboursFor(CorpusKind.TEXT)).isEqualTo(10);
    assertThat(auto.neighboursFor(CorpusKind.IMAGE)).isZero();
    assertThat(auto.weight()).isEqualTo(0.5);
    TrainSettings.Target five = ConfigLoader.load(null, List.of("train.target-neighbours=5")).train().target();
    assertThat(five.neighboursFor(CorpusKind.IMAGE)).isEqualTo(5);
    assertThat(five.auto()).isFalse();
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("train.target-weight=1.5")))
        .isInstanceOf(LatentforgeException.class).hasMessageContaining("train.target-weight");
  }

  @Test
  void setTakesBareStringsVerbatim() {
    assertThat(ConfigLoader.load(null, List.of("spark.master=local[3]")).spark().master()).isEqualTo("local[3]");
    assertThat(ConfigLoader.load(null, List.of("features.text.weighting=log")).text().weighting())
        .isEqualTo(TextFeatures.Weighting.LOG);
  }

  @Test
  void unknownKeyIsRejectedWithASuggestion() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.code-sise=8")))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("Unknown config key 'model.code-sise'")
        .hasMessageContaining("Did you mean 'model.code-size'?")
        .satisfies(e -> assertThat(((LatentforgeException) e).kind()).isEqualTo(LatentforgeException.Kind.USAGE));
  }

  /** The key would be copied into every model card; a retention must be a duration. */
  @Test
  void aSigningKeyInTheConfigAndARetentionThatIsNoDurationAreRefused() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.signing-key=secret")))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("model.signing-key cannot be set").hasMessageContaining("LATENTFORGE_MODEL_SIGNING_KEY");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("publish.retention=soon")))
        .hasMessageContaining("publish.retention").hasMessageContaining("a duration such as 7d");
  }

  @Test
  void unknownKeyInConfFileIsRejected() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "train { epoch = 3 }\n");
    assertThatThrownBy(() -> ConfigLoader.load(conf, List.of()))
        .hasMessageContaining("Unknown config key 'train.epoch'")
        .hasMessageContaining(conf.toString());
  }

  @Test
  void badValuesNameTheKeyTheValueAndWhatIsValid() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.code-size=0")))
        .hasMessageContaining("'model.code-size'").hasMessageContaining("invalid value 0").hasMessageContaining(">= 1");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.type=transformer")))
        .hasMessageContaining("'model.type'").hasMessageContaining("transformer").hasMessageContaining("deep");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("train.epochs=many")))
        .hasMessageContaining("'train.epochs'").hasMessageContaining("wrong type");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("train.learning-rate=-0.1")))
        .hasMessageContaining("'train.learning-rate'").hasMessageContaining("positive");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("features.image.channels=2")))
        .hasMessageContaining("'features.image.channels'").hasMessageContaining("[1, 3]");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.encoder-layers=[64, 0]")))
        .hasMessageContaining("'model.encoder-layers'");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("features.text.max-df=0")))
        .hasMessageContaining("'features.text.max-df'").hasMessageContaining("fraction");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("features.text.stop-words=klingon")))
        .hasMessageContaining("'features.text.stop-words'").hasMessageContaining("english");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("input.max-reject-fraction=1.5")))
        .hasMessageContaining("'input.max-reject-fraction'");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("features.image.standardize=true", "model.loss=xent")))
        .hasMessageContaining("xent needs inputs in [0,1]");
  }

  @Test
  void malformedSetAndMissingFileAreUsageErrors() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.code-size")))
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.conf"), List.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void renderedConfigChangesWithAnyValue() {
    String a = ConfigLoader.load(null, List.of()).rendered();
    String b = ConfigLoader.load(null, List.of("train.seed=43")).rendered();
    assertThat(a).isNotEqualTo(b).contains("\"code-size\":32");
  }
}
