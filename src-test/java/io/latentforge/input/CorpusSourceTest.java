package io.latentforge.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.ImageFeatures;
import io.latentforge.config.InputSettings;
import io.latentforge.features.image.ImageDecoder;
import io.latentforge.features.image.ImageDecoderTest;
import io.latentforge.features.image.ImageFeaturizer;
import io.latentforge.schema.CorpusKind;
import io.latentforge.testing.SparkSessionExtension;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SparkSessionExtension.class)
class CorpusSourceTest {

  @TempDir
  Path dir;

  private final InputSettings columns = ConfigLoader.load(null, List.of()).input();

  @Test
  void missingPathFailsBeforeAnyJob(SparkSession spark) {
    assertThatThrownBy(() -> CorpusSource.read(spark, dir.resolve("absent").toString(), CorpusKind.IMAGE, columns))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("does not exist")
        .satisfies(e -> assertThat(((LatentforgeException) e).kind()).isEqualTo(LatentforgeException.Kind.BAD_INPUT));
  }

  @Test
  void missingColumnNamesTheColumnAndListsTheOnesFound(SparkSession spark) {
    String path = write(spark, new StructType().add("id", DataTypes.StringType).add("body", DataTypes.StringType),
        RowFactory.create("a", "hello"));
    assertThatThrownBy(() -> CorpusSource.read(spark, path, CorpusKind.TEXT, columns))
        .hasMessageContaining("no column 'text'")
        .hasMessageContaining("[id string, body string]")
        .hasMessageContaining("input.text-column");
  }

  @Test
  void wrongTypeNamesTheTypeFoundAndExpected(SparkSession spark) {
    String path = write(spark, new StructType().add("image", DataTypes.StringType), RowFactory.create("x"));
    assertThatThrownBy(() -> CorpusSource.read(spark, path, CorpusKind.IMAGE, columns))
        .hasMessageContaining("Column 'image'")
        .hasMessageContaining("has type string")
        .hasMessageContaining("binary");
  }

  @Test
  void aTruncatedFileAmongTheCorpusFilesIsBadInputNamingIt(SparkSession spark) throws Exception {
    String path = dir.resolve("truncated").toString();
    spark.createDataFrame(List.of(RowFactory.create("a", "one two"), RowFactory.create("b", "three four"),
            RowFactory.create("c", "five six")),
        new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType))
        .repartition(3).write().parquet(path);
    Path victim;
    try (var files = Files.list(Path.of(path))) {
      victim = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().reduce((a, b) -> b)
          .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    // Spark infers the schema from another file; the truncated one would fail a task later.
    assertThatThrownBy(() -> CorpusSource.read(spark, path, CorpusKind.TEXT, columns))
        .hasMessageContaining("is not a readable Parquet file", victim.getFileName().toString(), "truncated")
        .satisfies(e -> assertThat(((LatentforgeException) e).kind()).isEqualTo(LatentforgeException.Kind.BAD_INPUT));
  }

  @Test
  void withoutIdColumnTheIdIsTheSha256OfTheContent(SparkSession spark) throws Exception {
    String path = write(spark, new StructType().add("text", DataTypes.StringType).add("label", DataTypes.IntegerType),
        RowFactory.create("grüße aus köln", 7));
    Row row = CorpusSource.read(spark, path, CorpusKind.TEXT, columns).rows().first();
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest("grüße aus köln".getBytes(StandardCharsets.UTF_8)));
    assertThat(row.getString(0)).isEqualTo(expected);
    assertThat(row.getInt(2)).isEqualTo(7);
  }

  @Test
  void huggingFaceImageStructIsReadThroughItsBytes(SparkSession spark) {
    StructType hf = new StructType()
        .add("image", new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType))
        .add("label", DataTypes.LongType);
    String path = write(spark, hf, RowFactory.create(RowFactory.create(new byte[] {1, 2, 3}, "a.png"), 3L));
    CorpusSource.Corpus corpus = CorpusSource.read(spark, path, CorpusKind.IMAGE, columns);
    Row row = corpus.rows().first();
    assertThat((byte[]) row.get(1)).containsExactly(1, 2, 3);
    assertThat(row.getString(0)).hasSize(64);
    assertThat(corpus.hasLabel()).isTrue();
  }

  /** 0: the duplicated ids are joined by shuffling; 10: they are broadcast. */
  @ParameterizedTest
  @ValueSource(ints = {0, 10})
  void ofRowsSharingAnIdTheFirstInFileAndRowOrderIsKept(int broadcastDuplicates, SparkSession spark) throws Exception {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    Path corpus = Files.createDirectories(dir.resolve("dups-" + broadcastDuplicates));
    moveSinglePart(write(spark, schema, RowFactory.create("x", "a0"), RowFactory.create("y", "a1"), RowFactory.create("x", "a2")),
        corpus.resolve("part-a.parquet"));
    moveSinglePart(write(spark, schema, RowFactory.create("y", "b0"), RowFactory.create("z", "b1")),
        corpus.resolve("part-b.parquet"));
    Map<String, String> reasonByText = CorpusSource.read(spark, corpus.toString(), CorpusKind.TEXT, columns,
            broadcastDuplicates).rows()
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(1),
            r -> String.valueOf(r.<String>getAs(Quarantine.ID_REASON))));
    assertThat(reasonByText).containsExactlyInAnyOrderEntriesOf(Map.of(
        "a0", "null", "a1", "null", "a2", "duplicate_id", "b0", "duplicate_id", "b1", "null"));
  }

  @Test
  void sparkImageDataSourceRowsAreFeaturizedLikeTheirFiles(SparkSession spark) throws Exception {
    Path pngs = Files.createDirectories(dir.resolve("pngs"));
    BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
    image.setRGB(2, 1, 0xFF8000);
    image.setRGB(5, 3, 0x00FF00);
    byte[] png = ImageDecoderTest.encode(image, "png");
    Files.write(pngs.resolve("one.png"), png);
    String parquet = dir.resolve("spark-images").toString();
    spark.read().format("image").load(pngs.toString()).write().parquet(parquet);

    ImageFeatures size = new ImageFeatures(4, 6, 3);
    Quarantine.Split split = ImageFeaturizer.featurize(
        CorpusSource.read(spark, parquet, CorpusKind.IMAGE, columns).rows(), size, 1000);
    try {
      double[] features = ((Vector) split.accepted().first().getAs("features")).toArray();
      assertThat(features).containsExactly(new ImageDecoder(size, 1000).decode(png), within(1e-6));
    } finally {
      split.release();
    }
  }

  private static void moveSinglePart(String sparkOutput, Path target) throws Exception {
    try (var files = Files.list(Path.of(sparkOutput))) {
      Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.move(part, target);
    }
  }

  private String write(SparkSession spark, StructType schema, Row... rows) {
    String path = dir.resolve("corpus-" + System.nanoTime()).toString();
    spark.createDataFrame(List.of(rows), schema).coalesce(1).write().parquet(path);
    return path;
  }
}
