package io.latentforge.importers;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a corpus published in another format into the input contract ({@code id, image|text, label}). */
public interface Importer {

  /** Checks the source (fails with a clear message before any job) and returns the corpus rows. */
  Dataset<Row> read(SparkSession spark, String source);
}
