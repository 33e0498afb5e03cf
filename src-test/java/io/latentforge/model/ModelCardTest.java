package io.latentforge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {

  @TempDir
  Path tmp;

  private static ModelCard card(ModelCard.Input input) {
    return new ModelCard(ModelCard.FORMAT_VERSION, "image-deep-2026-11-30-0123abcd", "deep", "xent", 8, 2, false, true,
        input, "/data/corpus", "2026-11-30", new ModelCard.Rows(10, 9, 1, Map.of("image_undecodable", 1L)),
        List.of(new EpochMetrics(1, 2.5, 2.0, 100, 1.5, 1.5, 3.0),
            new EpochMetrics(2, Double.NaN, Double.NaN, 120, 1.25, 2.75, Double.NaN)),
        new ModelCard.Training("trained 2 epochs", 0, 2, 32, 10), new ModelCard.Metrics(1.25, 2.5), ModelStore.MODEL_FILE,
        "ab".repeat(32), "2026-11-30T01:02:03Z", Map.of("model", Map.of("code-size", 8, "type", "deep")), null, null);
  }

  private ModelCard writeAndRead(ModelCard card) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "model");
    new ModelStore(new Configuration()).saveCard(dir.toString(), card);
    assertThat(Files.readString(dir.resolve(ModelCard.FILE))).contains("\"format_version\" : 1");
    try (InputStream in = Files.newInputStream(dir.resolve(ModelCard.FILE))) {
      return ModelCard.read(in, dir.toString());
    }
  }

  @Test
  void imageAndTextCardsSurviveWritingAndReading() throws IOException {
    ModelCard image = card(ModelCard.Input.image(784, 28, 28, 1,
        new ModelCard.Moments(new double[] {0.13}, new double[] {0.31})));
    ModelCard text = card(ModelCard.Input.text(2000, ModelStore.VOCABULARY_DIR, 2000, "tfidf", "l2", 10.0));

    // Recursive: the standardization's arrays compare by content; NaN (JSON null) equals NaN.
    assertThat(writeAndRead(image)).usingRecursiveComparison()
        .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class).isEqualTo(image.withFiles(Map.of()));
    assertThat(writeAndRead(text)).usingRecursiveComparison()
        .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class).isEqualTo(text.withFiles(Map.of()));
    assertThat(writeAndRead(text).code()).isEqualTo(new CodeLayer(2, false));
  }

  @Test
  void aCardOfANewerFormatIsRefusedWithTheVersionsNamed() {
    String newer = "{\"format_version\": 2, \"model_id\": \"m\", \"code_size\": {\"bits\": 8}}";
    assertThatThrownBy(() -> ModelCard.read(stream(newer), "models/m/model.json"))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("models/m/model.json has format_version 2, newer than the 1 this latentforge reads");
  }

  /** model.json files as the releases before format versions wrote them (from the demo's runs). */
  @Test
  void cardsWrittenBeforeFormatVersionsExistedStillRead() throws IOException {
    ModelCard image = fixture("model-before-versions-image.json");
    assertThat(image.formatVersion()).isEqualTo(1);
    assertThat(image.modelId()).isEqualTo("image-deep-2026-11-30-f36e9b59");
    assertThat(image.code()).isEqualTo(new CodeLayer(2, false));
    assertThat(image.codeSize()).isEqualTo(32);
    assertThat(image.codesCentred()).isNull();
    assertThat(image.input()).isEqualTo(ModelCard.Input.image(784, 28, 28, 1, null));
    assertThat(image.rows()).isEqualTo(new ModelCard.Rows(2000, 2000, 0, Map.of()));
    // Its epochs recorded validation_recon_error, which the loss later replaced.
    assertThat(image.epochs()).hasSize(30);
    assertThat(image.epochs().get(0).validationLoss()).isEqualTo(71.59105880771365);
    assertThat(image.training().stopReason()).isEqualTo("trained 30 epochs");
    assertThat(image.metrics().meanReconError()).isEqualTo(4.366520407438278);
    assertThat(image.modelSha256()).hasSize(64);
    assertThat(image.config()).containsKeys("model", "train");

    ModelCard text = fixture("model-before-versions-text.json");
    assertThat(text.input()).isEqualTo(new ModelCard.Input("text", 112, null, null, null, null, null, "vocabulary", 112, "probability", null, null));
  }

  private static ModelCard fixture(String name) throws IOException {
    try (InputStream in = ModelCardTest.class.getResourceAsStream("/formats/" + name)) {
      assertThat(in).as(name).isNotNull();
      return ModelCard.read(in, name);
    }
  }

  private static InputStream stream(String json) {
    return new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }
}
