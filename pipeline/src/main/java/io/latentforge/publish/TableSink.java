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
 * Writes output tables as Parquet partitioned by {@code run_date}, one partition at a time:
 * written to a staging directory, validated (row count and schema), then swapped in place of the
 * date's partition. Other dates are never touched; a failed write leaves the old partition as it
 * was; readers never see a partial partition.
 */
public final class TableSink {

  /** Per-partition manifest, beside the data files (ignored by Parquet readers). */
  public static final String MANIFEST = "_MANIFEST.json";

  private final SparkSession spark;
  /** Run before any partition is published or removed; throws to stop it (the output lock's check). */
  private final Runnable fence;

  public TableSink(SparkSession spark) {
    this(spark, () -> {});
  }

  public TableSink(SparkSession spark, Runnable fence) {
    this.spark = spark;
    this.fence = fence;
  }

  /** The manifest of the partition at {@code partition}; null when it has none. */
  public static PartitionManifest manifest(Configuration hadoop, Path partition) {
    return HadoopFiles.readIfExists(hadoop, new Path(partition, MANIFEST), PartitionManifest::read);
  }

  /**
   * Publishes {@code rows} as {@code table/run_date=D}, or removes that partition when
   * {@code expectedRows} is 0. The manifest gets {@code row_count} and {@code run_date} added.
   */
  public void publishPartition(Dataset<Row> rows, String table, String runDate, long expectedRows,
      PartitionManifest manifest) {
    publishPartition(rows, table, runDate, expectedRows, manifest, new Column[0]);
  }

  /**
   * As {@link #publishPartition(Dataset, String, String, long, PartitionManifest)}, and returns aggregates of
   * the rows as written (e.g. a mean), computed in the same read as the validation's count; null
   * when the partition was removed.
   */
  public Row publishPartition(Dataset<Row> rows, String table, String runDate, long expectedRows,
      PartitionManifest manifest, Column... readBack) {
    Partition partition = partition(table, runDate);
    Path staged = null;
    if (expectedRows > 0) {
      staged = partition.staging();
      try {
        rows.write().option(TableRows.DICTIONARY, "false").parquet(staged.toString());
      } catch (RuntimeException e) {
        partition.discard(staged);
        throw e;
      }
    }
    return partition.publish(staged, rows.schema(), expectedRows, manifest, readBack);
  }

  /**
   * Publishes {@code rows}, pending or already written, as {@code table/run_date=D}, as
   * {@link #publishPartition(Dataset, String, String, long, PartitionManifest, Column...)} does.
   */
  public Row publish(TableRows rows, String table, String runDate, long expectedRows, PartitionManifest manifest,
      Column... readBack) {
    if (rows instanceof TableRows.Pending pending) {
      return publishPartition(pending.rows(), table, runDate, expectedRows, manifest, readBack);
    }
    TableRows.Written written = (TableRows.Written) rows;
    return partition(table, runDate).publish(new Path(written.dir()), written.schema(), expectedRows, manifest,
        readBack);
  }

  /** {@code table/run_date=D}, recovered first if an earlier swap of it was interrupted. */
  public Partition partition(String table, String runDate) {
    String name = Columns.RUN_DATE + "=" + runDate;
    try {
      Path tablePath = new Path(table);
      DirectorySwap swap = new DirectorySwap(tablePath.getFileSystem(spark.sparkContext().hadoopConfiguration()),
          tablePath);
      swap.recover(name);
      return new Partition(swap, table, runDate);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + name + " of " + table, e);
    }
  }

  /**
   * One date's partition of a table, replaced as a whole: staged under the table's
   * {@code _staging/}, validated, then swapped in.
   */
  public final class Partition {
    private final DirectorySwap swap;
    private final String table;
    private final String runDate;
    private final String name;

    private Partition(DirectorySwap swap, String table, String runDate) {
      this.swap = swap;
      this.table = table;
      this.runDate = runDate;
      this.name = Columns.RUN_DATE + "=" + runDate;
    }

    /** A fresh directory to write the new partition's files to, invisible to readers. */
    public Path staging() {
      return swap.staging(name);
    }

    /**
     * Validates {@code staged} (row count, schema), adds the manifest ({@code row_count} and
     * {@code run_date} added) and publishes it in place of the partition; discards it on failure.
     * Returns the {@code readBack} aggregates of the validation's read, after its count (null
     * without them: then only the files' footers are read). With
     * {@code expectedRows == 0} the partition is removed instead (and null returned).
     */
    public Row publish(Path staged, StructType schema, long expectedRows, PartitionManifest manifest,
        Column... readBack) {
      try {
        fence.run();
      } catch (RuntimeException e) {
        if (staged != null) {
          discard(staged);
        }
        throw e;
      }
      if (expectedRows == 0) {
        if (staged != null) {
          discard(staged);
        }
        remove();
        return null;
      }
      try {
        Row aggregates = validate(schema, staged, expectedRows, readBack);
        HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new Path(staged, MANIFEST),
            manifest.published(runDate, expectedRows));
        swap.publish(staged, name);
        return aggregates;
      } catch (IOException e) {
        discard(staged);
        throw new UncheckedIOException("cannot publish " + name + " of " + table + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        discard(staged);
        throw e;
      }
    }

    /** Removes the partition: a date with no rows has none. */
    private void remove() {
      try {
        swap.publish(null, name);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + name + " of " + table, e);
      }
    }

    public void discard(Path staged) {
      swap.discard(staged);
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

  /**
   * Writes a corpus as plain Parquet: first beside {@code dest}, then renamed into place, so a
   * failed write leaves nothing at {@code dest}. An existing {@code dest} is replaced only when
   * {@code overwrite} is set.
   */
  public void publishCorpus(Dataset<Row> rows, String dest, boolean overwrite) {
    Path target = new Path(dest);
    try {
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(target) && !overwrite) {
        throw LatentforgeException.usage("Destination " + dest + " already exists.",
            "choose another DEST, or pass --overwrite to replace it.");
      }
      DirectorySwap swap = new DirectorySwap(fs, target.getParent());
      Path staged = swap.staging(target.getName());
      try {
        rows.write().parquet(staged.toString());
        swap.publish(staged, target.getName());
      } catch (RuntimeException e) {
        swap.discard(staged);
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the corpus to " + dest, e);
    }
  }
}
