package io.latentforge.jobs;

import static io.latentforge.testing.TestFiles.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.init}: tonight's training starts from the model behind yesterday's codes (or a given
 * model directory), with its featurization, and records it as the parent; a parent whose shape
 * does not fit tonight's settings is refused before any training.
 */
@ExtendWith(SparkSessionExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarmStartTest {

  @TempDir
  static Path dir;

  private String yesterday;
  private String tonight;

  @BeforeAll
  void corpora(SparkSession spark) {
    yesterday = dir.resolve("yesterday").toString();
    tonight = dir.resolve("tonight").toString();
    DemoCorpora.documents(spark, 200, 41).write().parquet(yesterday);
    // Yesterday's documents again, and 60 new ones.
    DemoCorpora.documents(spark, 200, 41).union(DemoCorpora.documents(spark, 60, 42)
        .selectExpr("concat('new-', id) as id", "text", "label")).write().parquet(tonight);
  }

  private static CliErrorsTest.Outcome nightly(String out, String date, String input, String... sets) {
    List<String> args = new ArrayList<>(List.of("nightly", "--kind", "text", "--input", input, "--output", out,
        "--run-date", date, "--set", "train.epochs=2", "--set", "model.code-size=4", "--set", "nightly.steps=[]"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return CliErrorsTest.cli(args.toArray(String[]::new));
  }

  private static JsonNode manifest(String out, String date) throws IOException {
    return json(Path.of(out, "codes", "run_date=" + date, "_MANIFEST.json"));
  }

  private static JsonNode card(String out, String date) throws IOException {
    return json(Path.of(out, "models", manifest(out, date).get("model_id").asText(), "model.json"));
  }

  @Test
  void tonightStartsFromTheModelBehindYesterdaysCodesWithItsFeaturization() throws IOException {
    String out = dir.resolve("warm").toString();
    // From random weights, not from PCA (the documents' default), so that its first epoch shows
    // where training from scratch starts. Both nights reconstruct the rows themselves: with the
    // documents' neighbourhood targets, tonight's targets are drawn from tonight's corpus, which
    // yesterday's model was not trained to reconstruct, so the first epochs' losses compare less.
    assertThat(nightly(out, "2026-09-01", yesterday, "train.pretrain=none", "train.target-neighbours=0").exitCode())
        .isZero();
    CliErrorsTest.Outcome warm = nightly(out, "2026-09-02", tonight, "train.init=previous", "train.target-neighbours=0");
    assertThat(warm.exitCode()).as(warm.err()).isZero();

    JsonNode parent = card(out, "2026-09-01");
    JsonNode child = card(out, "2026-09-02");
    assertThat(child.get("parent_model_id").asText()).isEqualTo(parent.get("model_id").asText());
    assertThat(manifest(out, "2026-09-02").get("parent_model_id").asText()).isEqualTo(parent.get("model_id").asText());
    assertThat(parent.has("parent_model_id")).as("trained from scratch").isFalse();
    // The parent's vocabulary, not one fitted on tonight's corpus.
    assertThat(child.at("/input/vocabulary_size").asInt()).isEqualTo(parent.at("/input/vocabulary_size").asInt());
    // Starting from trained weights, the first epoch's loss is already below a random start's.
    assertThat(child.at("/epochs/0/training_loss").asDouble())
        .isLessThan(parent.at("/epochs/0/training_loss").asDouble());

    // A given model directory works the same way.
    Path parentDir = Path.of(out, "models", parent.get("model_id").asText());
    assertThat(nightly(out, "2026-09-03", tonight, "train.init=" + parentDir, "train.target-neighbours=0").exitCode())
        .isZero();
    assertThat(card(out, "2026-09-03").get("parent_model_id").asText()).isEqualTo(parent.get("model_id").asText());
  }

  @Test
  void aParentOfAnotherShapeIsRefusedBeforeAnyTraining() throws IOException {
    String out = dir.resolve("shapes").toString();
    assertThat(nightly(out, "2026-09-01", yesterday).exitCode()).isZero();

    // Into another output root (this one's code table holds 4-float codes, which refuses 8 first).
    Path parentDir = Path.of(out, "models", manifest(out, "2026-09-01").get("model_id").asText());
    String other = dir.resolve("shapes-8").toString();
    CliErrorsTest.Outcome wider = nightly(other, "2026-09-02", tonight, "train.init=" + parentDir,
        "model.code-size=8");
    assertThat(wider.exitCode()).isEqualTo(2);
    assertThat(wider.err()).contains("cannot start this run", "model.code-size: the parent's is 4, this run's 8");
    assertThat(Path.of(other, "codes")).doesNotExist();

    CliErrorsTest.Outcome refit = nightly(out, "2026-09-02", tonight, "train.init=previous", "features.refit=true",
        "features.text.vocab-size=20");
    assertThat(refit.exitCode()).isEqualTo(2);
    assertThat(refit.err()).contains("the input size", "this run 20");
    assertThat(Path.of(out, "codes", "run_date=2026-09-02")).doesNotExist();
    assertThat(Path.of(out, "_checkpoints")).doesNotExist();
    try (var models = Files.list(Path.of(out, "models"))) {
      assertThat(models.count()).as("only yesterday's model").isEqualTo(1);
    }
  }

  @Test
  void imagesOfAnotherSizeThanTheParentsAreRefused(SparkSession spark) {
    String images = dir.resolve("images").toString();
    DemoCorpora.images(spark, 80, 43).write().parquet(images);
    String out = dir.resolve("images-out").toString();
    String[] first = {"nightly", "--kind", "image", "--input", images, "--output", out, "--run-date", "2026-09-01",
        "--set", "train.epochs=1", "--set", "model.code-size=4", "--set", "nightly.steps=[]"};
    assertThat(CliErrorsTest.cli(first).exitCode()).isZero();
    CliErrorsTest.Outcome smaller = CliErrorsTest.cli("nightly", "--kind", "image", "--input", images, "--output", out,
        "--run-date", "2026-09-02", "--set", "train.epochs=1", "--set", "model.code-size=4", "--set",
        "train.init=previous", "--set", "features.image.height=14", "--set", "features.image.width=14");
    assertThat(smaller.exitCode()).isEqualTo(2);
    assertThat(smaller.err()).contains("reads 28x28 images", "features.image asks for 14x14");
  }
}
