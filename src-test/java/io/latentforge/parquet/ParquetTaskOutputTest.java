package io.latentforge.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.parquet.TableRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables written from inside a job's tasks hold the rows of exactly one attempt per task, and
 * nothing at all when the job fails. Its own session: on {@code local[2,4]} a failed task attempt
 * is retried, as on a cluster, and task results go through Kryo, as in the jobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParquetTaskOutputTest {

  private static final StructType EVEN = new StructType().add("n", DataTypes.IntegerType, false);
  private static final StructType ODD = new StructType().add("n", DataTypes.IntegerType, false)
      .add("name", DataTypes.StringType, true);

  @TempDir
  Path dir;
  private SparkSession spark;

  @BeforeAll
  void start() {
    spark = SparkSession.builder().appName("ParquetTaskOutputTest").master("local[2,4]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        // As the jobs run: task results are serialized with Kryo, which cannot set a record's fields.
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator").getOrCreate();
  }

  @AfterAll
  void stop() {
    spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  @Test
  void aTaskAttemptThatFailsAfterWritingLeavesOnlyItsRetrysRows() throws IOException {
    String out = dir.resolve("retried").toString();
    List<Long> summaries = new ArrayList<>();
    output(out).run(spark, numbers(1000, 4).rdd(), (rows, files) -> {
      long written = split(rows, files);
      TaskContext task = TaskContext.get();
      if (task.partitionId() == 2 && task.attemptNumber() == 0) {
        throw new IllegalStateException("injected failure after writing");
      }
      return written;
    }, summaries::add);

    assertThat(summaries).as("one summary per partition, from its successful attempt").hasSize(4)
        .allMatch(n -> n == 250);
    assertThat(spark.read().parquet(out + "/even").as(Encoders.INT()).collectAsList())
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 1000).filter(n -> n % 2 == 0).boxed().toList());
    Dataset<Row> odd = spark.read().parquet(out + "/odd");
    assertThat(odd.schema().simpleString()).isEqualTo("struct<n:int,name:string>");
    assertThat(odd.count()).isEqualTo(500);
    assertThat(odd.where("name = concat('n', n)").count()).isEqualTo(500);
    List<String> files = files(out);
    assertThat(files.stream().filter(f -> f.endsWith(".parquet"))).as("one file per table and partition").hasSize(8);
    assertThat(files.stream().filter(f -> !f.endsWith(".parquet"))).as("nothing left of the failed attempt")
        .allMatch(f -> f.endsWith("/_SUCCESS"));
  }

  @Test
  void aJobThatFailsLeavesNoFile() throws IOException {
    String out = dir.resolve("failed").toString();
    assertThatThrownBy(() -> output(out).run(spark, numbers(100, 2).rdd(), (rows, files) -> {
      split(rows, files);
      if (TaskContext.getPartitionId() == 1) {
        throw new IllegalStateException("injected failure in every attempt");
      }
      return 0L;
    }, done -> {})).hasMessageContaining("injected failure in every attempt");
    assertThat(files(out)).isEmpty();
  }

  private ParquetTaskOutput output(String out) {
    Map<String, StructType> tables = new LinkedHashMap<>();
    tables.put("even", EVEN);
    tables.put("odd", ODD);
    return ParquetTaskOutput.of(spark, out, tables, Map.of(TableRows.DICTIONARY, "false"));
  }

  private Dataset<Row> numbers(int n, int partitions) {
    return spark.range(0, n, 1, partitions).selectExpr("cast(id as int) as n");
  }

  /** Even numbers to the first table, odd ones (with a name) to the second; returns the rows read. */
  private static long split(java.util.Iterator<Row> rows, ParquetTaskOutput.Files files) {
    long n = 0;
    while (rows.hasNext()) {
      int value = rows.next().getInt(0);
      files.write(value % 2, value % 2 == 0 ? RowFactory.create(value) : RowFactory.create(value, "n" + value));
      n++;
    }
    return n;
  }

  private static List<String> files(String root) throws IOException {
    if (!Files.exists(Path.of(root))) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(Path.of(root))) {
      return files.filter(Files::isRegularFile).map(Path::toString).filter(f -> !f.endsWith(".crc")).toList();
    }
  }
}
