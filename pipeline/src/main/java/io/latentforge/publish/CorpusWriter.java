package io.latentforge.publish;

import io.latentforge.LatentforgeException;
import io.latentforge.fs.DirectorySwap;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Corpora written by importers and generators: plain Parquet directories, not dated tables. */
public final class CorpusWriter {

  private CorpusWriter() {}

  /**
   * Writes a corpus as plain Parquet: first beside {@code dest}, then renamed into place, so a
   * failed write leaves nothing at {@code dest}. An existing {@code dest} is replaced only when
   * {@code overwrite} is set.
   */
  public static void write(SparkSession spark, Dataset<Row> rows, String dest, boolean overwrite) {
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
      } catch (Throwable e) { // a failed write's SparkException is a checked exception Scala throws undeclared
        swap.discard(staged);
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the corpus to " + dest, e);
    }
  }
}
