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
 * Staged files are published only when their footers show every expected row and the schema
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

  @Test
  void stagedFilesAreCountedFromTheirFootersAndRefusedWhenRowsOrColumnsDiffer(SparkSession spark) throws IOException {
    String table = dir.resolve("table").toString();
    TableSink sink = new TableSink(spark);
    sink.publishPartition(rows(spark, 30, 3), table, DATE, 30, PartitionManifest.step("m1", Map.of()));
    Path published = dir.resolve("table/run_date=" + DATE);
    Map<String, byte[]> before = contents(published);
    assertThat(spark.read().parquet(table).count()).isEqualTo(30);

    TableSink.Partition partition = sink.partition(table, DATE);
    org.apache.hadoop.fs.Path staged = partition.staging();
    rows(spark, 41, 4).write().parquet(staged.toString());
    assertThatThrownBy(() -> partition.publish(staged, SCHEMA, 42, NONE))
        .hasMessageContaining("holds 41 rows, expected 42").hasMessageContaining("nothing was published");
    assertThat(Files.exists(Path.of(staged.toString()))).as("refused files discarded").isFalse();

    org.apache.hadoop.fs.Path otherColumns = partition.staging();
    rows(spark, 41, 2).withColumnRenamed("value", "score").write().parquet(otherColumns.toString());
    assertThatThrownBy(() -> partition.publish(otherColumns, SCHEMA, 41, NONE))
        .hasMessageContaining("has columns struct<id:string,score:double>, expected struct<id:string,value:double>");

    org.apache.hadoop.fs.Path notParquet = partition.staging();
    rows(spark, 41, 2).write().parquet(notParquet.toString());
    Files.writeString(Path.of(notParquet.toString()).resolve("part-99999.parquet"), "not a parquet file");
    assertThatThrownBy(() -> partition.publish(notParquet, SCHEMA, 41, NONE))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("part-99999.parquet");

    assertThat(contents(published)).as("the published partition is untouched").containsOnlyKeys(before.keySet())
        .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(before.get(name)));

    org.apache.hadoop.fs.Path good = partition.staging();
    rows(spark, 41, 4).write().parquet(good.toString());
    partition.publish(good, SCHEMA, 41, NONE);
    assertThat(spark.read().parquet(table).count()).isEqualTo(41);
    assertThat(TableSink.manifest(spark.sparkContext().hadoopConfiguration(), new org.apache.hadoop.fs.Path(
        published.toString()))).extracting(PartitionManifest::runDate, PartitionManifest::rowCount)
        .containsExactly(DATE, 41L);
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
