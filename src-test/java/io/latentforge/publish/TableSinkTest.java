package io.latentforge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.testing.SparkSessionExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staged files are committed only when their footers show every expected row and the schema
 * written; otherwise the old partition stays as it was and the staged files are gone.
 */
@ExtendWith(SparkSessionExtension.class)
class TableSinkTest {

  private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, false);
  private static final String DATE = "2024-03-01";

  @TempDir
  Path dir;

  private static Dataset<Row> rows(SparkSession spark, int n, int files) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create("r" + i, i * 0.5));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(files);
  }

  private static final PartitionManifest NONE = PartitionManifest.step(null, Map.of());

  private DateCommit commit(SparkSession spark, String runId) {
    return new DateCommit(spark.sparkContext().hadoopConfiguration(), new OutputLayout(dir.toString()), DATE, runId,
        () -> {});
  }

  private static org.apache.hadoop.fs.Path writeElsewhere(Dataset<Row> rows, Path where) {
    rows.write().parquet(where.toString());
    return new org.apache.hadoop.fs.Path(where.toString());
  }

  @Test
  void stagedFilesAreCountedFromTheirFootersAndRefusedWhenRowsOrColumnsDiffer(SparkSession spark) throws IOException {
    String table = dir.resolve("table").toString();
    DateCommit first = commit(spark, "20240301T000000Z-00000001");
    new TableSink(spark, first).stage(rows(spark, 30, 3), table, 30, PartitionManifest.step("m1", Map.of()));
    Path published = dir.resolve("table/run_date=" + DATE);
    assertThat(published).as("staged only").doesNotExist();
    first.commit();
    Map<String, byte[]> before = contents(published);
    assertThat(spark.read().parquet(table).count()).isEqualTo(30);

    DateCommit second = commit(spark, "20240301T000001Z-00000002");
    TableSink sink = new TableSink(spark, second);
    org.apache.hadoop.fs.Path short1 = writeElsewhere(rows(spark, 41, 4), dir.resolve("w1"));
    assertThatThrownBy(() -> sink.stage(new io.latentforge.parquet.TableRows.Written(short1.toString(), SCHEMA), table,
        42, NONE)).hasMessageContaining("holds 41 rows, expected 42").hasMessageContaining("nothing was published");
    assertThat(dir.resolve("w1")).as("refused files discarded").doesNotExist();

    org.apache.hadoop.fs.Path otherColumns = writeElsewhere(rows(spark, 41, 2).withColumnRenamed("value", "score"),
        dir.resolve("w2"));
    assertThatThrownBy(() -> sink.stage(new io.latentforge.parquet.TableRows.Written(otherColumns.toString(), SCHEMA),
        table, 41, NONE)).hasMessageContaining("has columns struct<id:string,score:double>, expected struct<id:string,value:double>");

    org.apache.hadoop.fs.Path notParquet = writeElsewhere(rows(spark, 41, 2), dir.resolve("w3"));
    Files.writeString(dir.resolve("w3").resolve("part-99999.parquet"), "not a parquet file");
    assertThatThrownBy(() -> sink.stage(new io.latentforge.parquet.TableRows.Written(notParquet.toString(), SCHEMA),
        table, 41, NONE)).isInstanceOf(UncheckedIOException.class).hasMessageContaining("part-99999.parquet");

    second.commit();
    assertThat(contents(published)).as("the published partition is untouched").containsOnlyKeys(before.keySet())
        .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(before.get(name)));
    assertThat(dir.resolve("table/_staging")).doesNotExist();

    DateCommit third = commit(spark, "20240301T000002Z-00000003");
    new TableSink(spark, third).stage(rows(spark, 41, 4), table, 41, NONE);
    third.commit();
    assertThat(spark.read().parquet(table).count()).isEqualTo(41);
    assertThat(TableSink.manifest(spark.sparkContext().hadoopConfiguration(), new org.apache.hadoop.fs.Path(
        published.toString()))).extracting(PartitionManifest::runDate, PartitionManifest::rowCount, PartitionManifest::runId)
        .containsExactly(DATE, 41L, "20240301T000002Z-00000003");
    try (Stream<Path> left = Files.list(dir.resolve("table"))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("run_date=" + DATE);
    }
  }

  private static Map<String, byte[]> contents(Path partition) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(partition)) {
      for (Path file : list.toList()) {
        files.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    }
    return files;
  }
}
