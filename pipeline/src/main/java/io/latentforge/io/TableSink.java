package io.latentforge.io;

import static org.apache.spark.sql.functions.lit;

import io.latentforge.schema.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import io.latentforge.LatentforgeException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes output tables as Parquet partitioned by {@code run_date}. */
public final class TableSink {

  private TableSink() {}

  /**
   * Replaces the {@code run_date} partition and leaves every other date alone: dynamic partition
   * overwrite, since a static overwrite of a partitioned table deletes all partitions first.
   */
  public static void writePartition(Dataset<Row> rows, String tablePath, String runDate) {
    rows.withColumn(Columns.RUN_DATE, lit(runDate))
        .write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy(Columns.RUN_DATE)
        .parquet(tablePath);
  }

  /**
   * Writes a corpus as plain Parquet: first beside {@code dest}, then renamed into place, so a
   * failed write leaves nothing at {@code dest}. An existing {@code dest} is replaced only when
   * {@code overwrite} is set.
   */
  public static void publishCorpus(SparkSession spark, Dataset<Row> rows, String dest, boolean overwrite) {
    Path target = new Path(dest);
    Path staging = new Path(target.getParent(), "." + target.getName() + ".writing-" + java.util.UUID.randomUUID());
    try {
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(target) && !overwrite) {
        throw LatentforgeException.usage("Destination " + dest + " already exists.",
            "choose another DEST, or pass --overwrite to replace it.");
      }
      try {
        rows.write().parquet(staging.toString());
        if (fs.exists(target) && !fs.delete(target, true)) {
          throw new IOException("cannot remove the old " + target);
        }
        if (!fs.rename(staging, target)) {
          throw new IOException("cannot rename " + staging + " to " + target);
        }
      } finally {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the corpus to " + dest, e);
    }
  }

  /**
   * Removes the {@code run_date} partition: a dynamic overwrite with no rows for a date leaves the
   * old partition in place, so a rerun that has nothing to write for a table must clear it.
   */
  public static void clearPartition(SparkSession spark, String tablePath, String runDate) {
    Path partition = new Path(tablePath, Columns.RUN_DATE + "=" + runDate);
    try {
      partition.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(partition, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + partition, e);
    }
  }
}
