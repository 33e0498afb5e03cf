package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.testing.SparkSessionExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad command lines fail fast, with exit codes schedulers can tell apart and messages that say what to fix. */
@ExtendWith(SparkSessionExtension.class)
class CliErrorsTest {

  @TempDir
  Path dir;

  record Outcome(int exitCode, String out, String err) {}

  static Outcome cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void helpListsCommandsOptionsAndConfigKeys() {
    Outcome top = cli("--help");
    assertThat(top.exitCode()).isZero();
    assertThat(top.out()).contains("nightly", "demo", "Exit codes");
    Outcome nightly = cli("nightly", "--help");
    assertThat(nightly.exitCode()).isZero();
    assertThat(nightly.out()).contains("--kind", "--input", "--output", "--run-date", "--conf", "--set",
        "model.code-size = 32", "train.epochs");
  }

  /** Picocli formats descriptions: a bare % makes it warn on stderr and print the unformatted text. */
  @Test
  void everyCommandsHelpIsFormattedWithoutWarnings() {
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    List<String> helps = new ArrayList<>();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      collectHelp(new CommandLine(new Main()), helps);
    } finally {
      System.setErr(stderr);
    }
    assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(helps).hasSizeGreaterThan(15).anySatisfy(help -> assertThat(help).contains("95% paired-bootstrap"))
        .anySatisfy(help -> assertThat(help).contains("1% and 10% of its rows"));
  }

  private static void collectHelp(CommandLine command, List<String> helps) {
    helps.add(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
    command.getSubcommands().values().forEach(sub -> collectHelp(sub, helps));
  }

  @Test
  void unknownOptionAndMissingRequiredOptionAreUsageErrors() {
    Outcome unknown = cli("nightly", "--kind", "image", "--input", "x", "--output", "y", "--epochs", "3");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown options: '--epochs'", "latentforge nightly --help");
    Outcome missing = cli("nightly", "--kind", "image", "--output", "y");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--input");
    Outcome badKind = cli("nightly", "--kind", "video", "--input", "x", "--output", "y");
    assertThat(badKind.exitCode()).isEqualTo(2);
    assertThat(badKind.err()).contains("use image or text");
    Outcome badDate = cli("nightly", "--kind", "text", "--input", "x", "--output", "y", "--run-date", "27/11/2026");
    assertThat(badDate.exitCode()).isEqualTo(2);
    assertThat(badDate.err()).contains("YYYY-MM-DD");
  }

  @Test
  void unknownConfigKeyIsAUsageErrorBeforeAnythingIsWritten() {
    Path out = dir.resolve("out");
    Outcome r = cli("nightly", "--kind", "text", "--input", dir.toString(), "--output", out.toString(),
        "--set", "model.codesize=8");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown config key 'model.codesize'", "model.code-size");
    assertThat(out).doesNotExist();
  }

  @Test
  void missingInputAndMissingColumnAreBadInputBeforeTraining(SparkSession spark) {
    Path out = dir.resolve("out");
    Outcome absent = cli("nightly", "--kind", "image", "--input", dir.resolve("nope").toString(), "--output", out.toString());
    assertThat(absent.exitCode()).isEqualTo(3);
    assertThat(absent.err()).contains("does not exist");

    Path corpus = dir.resolve("docs");
    spark.createDataFrame(List.of(RowFactory.create("a", "words")),
        new StructType().add("id", DataTypes.StringType).add("body", DataTypes.StringType)).write().parquet(corpus.toString());
    Outcome noColumn = cli("nightly", "--kind", "text", "--input", corpus.toString(), "--output", out.toString());
    assertThat(noColumn.exitCode()).isEqualTo(3);
    assertThat(noColumn.err()).contains("no column 'text'", "body string");
    assertThat(out).doesNotExist();
  }

  @Test
  void aPcaTheRunCannotComputeIsAUsageErrorBeforeTraining(SparkSession spark) {
    Path corpus = dir.resolve("pca-docs");
    String[] words = {"kernel", "driver", "network", "socket", "parser", "compiler", "editor", "window"};
    List<org.apache.spark.sql.Row> docs = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      docs.add(RowFactory.create("d" + i, words[i % 8] + " " + words[(i / 8) % 8] + " " + words[(i + 3) % 8]));
    }
    spark.createDataFrame(docs, new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType))
        .write().parquet(corpus.toString());
    Path out = dir.resolve("out-pca");
    Outcome r = cli("nightly", "--kind", "text", "--input", corpus.toString(), "--output", out.toString(),
        "--set", "train.pretrain=pca", "--set", "model.activation=relu");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("train.pretrain = pca", "relu");
    assertThat(Files.exists(out.resolve("models"))).isFalse();

    Outcome wide = cli("nightly", "--kind", "text", "--input", corpus.toString(), "--output", out.toString(),
        "--set", "train.pretrain=pca", "--set", "evaluate.pca-max-features=1");
    assertThat(wide.exitCode()).isEqualTo(2);
    assertThat(wide.err()).contains("train.pretrain = pca", "above evaluate.pca-max-features = 1");
    assertThat(Files.exists(out.resolve("models"))).isFalse();

    // Neighbourhood targets find neighbours by PCA too.
    Outcome targets = cli("nightly", "--kind", "text", "--input", corpus.toString(), "--output", out.toString(),
        "--set", "train.pretrain=none", "--set", "train.target-neighbours=10", "--set", "evaluate.pca-max-features=1");
    assertThat(targets.exitCode()).isEqualTo(2);
    assertThat(targets.err()).contains("train.target-neighbours = 10", "above evaluate.pca-max-features = 1");
    assertThat(Files.exists(out.resolve("models"))).isFalse();
  }

  @Test
  void aCorpusTooSmallForTheVocabularysLimitsIsBadInput(SparkSession spark) {
    Path corpus = dir.resolve("two-docs");
    spark.createDataFrame(List.of(RowFactory.create("a", "some words"), RowFactory.create("b", "other words")),
        new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType)).write().parquet(corpus.toString());
    Path out = dir.resolve("out-two");
    Outcome r = cli("nightly", "--kind", "text", "--input", corpus.toString(), "--output", out.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("too few documents", "features.text.min-df = 2");
    assertThat(Files.exists(out.resolve("models"))).isFalse();
  }

  @Test
  void aCorpusWhoseRowsAreAllBadFailsWithTheRejectCounts(SparkSession spark) throws Exception {
    Path corpus = dir.resolve("bad-images");
    spark.createDataFrame(List.of(RowFactory.create("a", new byte[] {9, 9}), RowFactory.create("b", new byte[0])),
        new StructType().add("id", DataTypes.StringType).add("image", DataTypes.BinaryType)).write().parquet(corpus.toString());
    Path out = dir.resolve("out2");
    Outcome r = cli("nightly", "--kind", "image", "--input", corpus.toString(), "--output", out.toString());
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err()).contains("2 of 2 rows (100.00%) were rejected", "undecodable_image=2");
    Outcome lenient = cli("nightly", "--kind", "image", "--input", corpus.toString(), "--output", out.toString(),
        "--set", "input.max-reject-fraction=1");
    assertThat(lenient.exitCode()).isEqualTo(3);
    assertThat(lenient.err()).contains("None of the 2 rows", "undecodable_image=2");
    assertThat(Files.exists(out.resolve("models"))).isFalse();
    assertThat(Files.exists(out.resolve("codes"))).isFalse();
  }
}
