package io.latentforge.publish;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.latentforge.LatentforgeException;
import io.latentforge.fs.DirectorySwap;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.parquet.ParquetFooters;
import io.latentforge.parquet.TableRows;
import io.latentforge.schema.Columns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the date's partition of an output table (Parquet, partitioned by {@code run_date}) into
 * the run's {@link DateCommit}: written to a staging directory, validated (row count and schema)
 * and given its manifest; the commit then swaps it in with the run's other outputs. Other dates
 * are never touched; a failed write leaves the published partition as it was; readers never see
 * a partial partition.
 */
public final class TableSink {

  /** Per-partition manifest, beside the data files (ignored by Parquet readers). */
  public static final String MANIFEST = "_MANIFEST.json";

  private final SparkSession spark;
  private final DateCommit commit;

  public TableSink(SparkSession spark, DateCommit commit) {
    this.spark = spark;
    this.commit = commit;
  }

  /** The manifest of the partition at {@code partition}; null when it has none. */
  public static PartitionManifest manifest(Configuration hadoop, Path partition) {
    return HadoopFiles.readIfExists(hadoop, new Path(partition, MANIFEST), PartitionManifest::read);
  }

  /**
   * Stages {@code rows}, pending or already written, as the date's partition of {@code table}, or
   * its removal when {@code expectedRows} is 0. The manifest gets the date, {@code row_count} and
   * the run added. Returns aggregates of the rows as written (e.g. a mean), computed in the same
   * read as the validation's count; null without {@code readBack} (then only the files' footers are
   * read) or when the partition is removed.
   */
  public Row stage(TableRows rows, String table, long expectedRows, PartitionManifest manifest, Column... readBack) {
    Path target = commit.partition(table);
    if (expectedRows == 0) {
      if (rows instanceof TableRows.Written written) {
        delete(new Path(written.dir()));
      }
      commit.remove(target);
      return null;
    }
    Path staged;
    StructType schema;
    if (rows instanceof TableRows.Pending pending) {
      staged = commit.stage(target);
      schema = pending.rows().schema();
    } else {
      TableRows.Written written = (TableRows.Written) rows;
      staged = new Path(written.dir());
      schema = written.schema();
      commit.adopt(target, staged);
    }
    try {
      if (rows instanceof TableRows.Pending pending) {
        pending.rows().write().option(TableRows.DICTIONARY, "false").parquet(staged.toString());
      }
      Row aggregates = validate(schema, staged, expectedRows, readBack);
      HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new Path(staged, MANIFEST),
          manifest.published(commit.runDate(), expectedRows, commit.runId()));
      return aggregates;
    } catch (IOException e) {
      commit.drop(target);
      throw new UncheckedIOException("cannot stage " + target + ": " + e.getMessage(), e);
    } catch (Throwable e) { // a failed write's SparkException is a checked exception Scala throws undeclared
      commit.drop(target);
      throw e;
    }
  }

  /** As {@link #stage(TableRows, String, long, PartitionManifest, Column...)} for rows not yet written. */
  public Row stage(Dataset<Row> rows, String table, long expectedRows, PartitionManifest manifest, Column... readBack) {
    return stage(new TableRows.Pending(rows), table, expectedRows, manifest, readBack);
  }

  private void delete(Path dir) {
    try {
      dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }

  /**
   * The staged files must hold every expected row, with the schema that was written. Without
   * {@code readBack} aggregates only their footers are read; with them, one Spark read computes
   * the count and the aggregates together.
   */
  private Row validate(StructType schema, Path staged, long expectedRows, Column[] readBack) throws IOException {
    if (readBack.length == 0) {
      ParquetFooters.Summary files = ParquetFooters.of(spark.sparkContext().hadoopConfiguration(), staged);
      requireRows(staged, files.rows(), expectedRows);
      for (StructType written : files.schemas()) {
        requireSchema(staged, written, schema);
      }
      return null;
    }
    Dataset<Row> written = spark.read().parquet(staged.toString());
    Row aggregates = written.agg(count(lit(1)), readBack).first();
    requireRows(staged, aggregates.getLong(0), expectedRows);
    requireSchema(staged, written.schema(), schema);
    return aggregates;
  }

  private static void requireRows(Path staged, long count, long expectedRows) {
    if (count != expectedRows) {
      throw LatentforgeException.internal("Staged partition " + staged + " holds " + count + " rows, expected "
          + expectedRows + "; nothing was published.", null);
    }
  }

  private static void requireSchema(Path staged, StructType written, StructType schema) {
    if (written == null || !Arrays.equals(names(written.fields()), names(schema.fields()))) {
      throw LatentforgeException.internal("Staged partition " + staged + " has columns "
          + (written == null ? "not written by Spark" : written.simpleString()) + ", expected " + schema.simpleString()
          + "; nothing was published.", null);
    }
  }

  private static String[] names(StructField[] fields) {
    return Arrays.stream(fields).map(f -> f.name() + ":" + f.dataType().simpleString()).toArray(String[]::new);
  }
}
