package io.latentforge.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.InputSettings;
import io.latentforge.schema.CorpusKind;
import io.latentforge.testing.SparkSessionExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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

  private String write(SparkSession spark, StructType schema, Row... rows) {
    String path = dir.resolve("corpus-" + System.nanoTime()).toString();
    spark.createDataFrame(List.of(rows), schema).write().parquet(path);
    return path;
  }
}
