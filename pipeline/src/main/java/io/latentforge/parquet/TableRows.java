package io.latentforge.parquet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of one table partition about to be published: a Dataset still to be written, or
 * Parquet files a pass has already written (and committed) to a staging directory.
 */
public sealed interface TableRows {

  /** Parquet writer setting, off for output tables: codes, errors and ids are nearly all distinct. */
  String DICTIONARY = "parquet.enable.dictionary";

  /** Rows written when published; evaluated then, in the publishing job. */
  record Pending(Dataset<Row> rows) implements TableRows {}

  /** Files already written under {@code dir}, with the schema they were written with. */
  record Written(String dir, StructType schema) implements TableRows {}
}
