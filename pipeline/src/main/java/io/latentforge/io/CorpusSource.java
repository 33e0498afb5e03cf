package io.latentforge.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.sha2;

import io.latentforge.LatentforgeException;
import io.latentforge.config.InputColumns;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType$;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a Parquet corpus and normalizes it to {@code id, content[, label]}: the one place that
 * knows the input contract's layouts. Every check here runs on the schema alone, before any job.
 */
public final class CorpusSource {

  /** Normalized column holding image bytes or document text. */
  public static final String CONTENT = "content";

  private CorpusSource() {}

  /** A corpus ready for featurization. */
  public record Corpus(Dataset<Row> rows, boolean hasLabel, String path) {}

  public static Corpus read(SparkSession spark, String path, CorpusKind kind, InputColumns columns) {
    requireExists(spark, path);
    Dataset<Row> raw;
    try {
      raw = spark.read().parquet(path);
    } catch (Exception e) {
      throw LatentforgeException.badInput("Cannot read " + path + " as Parquet: " + e.getMessage(),
          "point --input at a Parquet file or a directory of Parquet files.");
    }
    StructType schema = raw.schema();
    Column content = contentColumn(schema, kind, columns, path);
    Column id = idColumn(schema, columns, content, kind, path);
    List<Column> select = new ArrayList<>(List.of(id.as(Columns.ID), content.as(CONTENT)));
    boolean hasLabel = hasField(schema, columns.label());
    if (hasLabel) {
      select.add(col(quoted(columns.label())).as(Columns.LABEL));
    }
    return new Corpus(raw.select(select.toArray(Column[]::new)), hasLabel, path);
  }

  private static void requireExists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw LatentforgeException.badInput("Input path " + path + " does not exist.",
            "check --input; it must name a Parquet file or directory on a file system Hadoop can read.");
      }
    } catch (IOException e) {
      throw LatentforgeException.badInput("Cannot access input path " + path + ": " + e.getMessage(),
          "check the path and the credentials of its file system.");
    }
  }

  private static Column contentColumn(StructType schema, CorpusKind kind, InputColumns columns, String path) {
    if (kind == CorpusKind.TEXT) {
      DataType type = requireField(schema, columns.text(), "text", path);
      if (!(type instanceof org.apache.spark.sql.types.StringType)) {
        throw wrongType(schema, columns.text(), type, "string", path);
      }
      return col(quoted(columns.text()));
    }
    DataType type = requireField(schema, columns.image(), "image", path);
    if (type instanceof org.apache.spark.sql.types.BinaryType) {
      return col(quoted(columns.image()));
    }
    // Hugging Face datasets layout: struct<bytes: binary, path: string>.
    if (type instanceof StructType struct && hasField(struct, "bytes")
        && struct.apply("bytes").dataType() instanceof org.apache.spark.sql.types.BinaryType) {
      return col(quoted(columns.image()) + ".bytes");
    }
    throw wrongType(schema, columns.image(), type, "binary (encoded PNG/JPEG/GIF/BMP) or struct<bytes: binary, path: string>", path);
  }

  private static Column idColumn(StructType schema, InputColumns columns, Column content, CorpusKind kind, String path) {
    if (!hasField(schema, columns.id())) {
      // Stable across runs: the id is the hex SHA-256 of the content itself.
      return sha2(kind == CorpusKind.TEXT ? encode(content, "UTF-8") : content, 256);
    }
    DataType type = schema.apply(columns.id()).dataType();
    if (!(type instanceof org.apache.spark.sql.types.StringType) && !(type instanceof org.apache.spark.sql.types.NumericType)) {
      throw wrongType(schema, columns.id(), type, "string (or an integer type, read as its decimal string)", path);
    }
    return col(quoted(columns.id())).cast(StringType$.MODULE$);
  }

  private static DataType requireField(StructType schema, String name, String role, String path) {
    if (!hasField(schema, name)) {
      throw LatentforgeException.badInput("The corpus at " + path + " has no column '" + name + "' (the " + role
              + " column). Columns found: " + describe(schema) + ".",
          "rename the column, or set input." + role + "-column to the column that holds the " + role + ".");
    }
    return schema.apply(name).dataType();
  }

  private static LatentforgeException wrongType(StructType schema, String name, DataType found, String expected, String path) {
    return LatentforgeException.badInput("Column '" + name + "' of the corpus at " + path + " has type "
            + found.simpleString() + "; expected " + expected + ". Columns found: " + describe(schema) + ".",
        "convert the column, or point input.*-column at the right one.");
  }

  private static boolean hasField(StructType schema, String name) {
    return Arrays.asList(schema.fieldNames()).contains(name);
  }

  private static String describe(StructType schema) {
    return Arrays.stream(schema.fields()).map(f -> f.name() + " " + f.dataType().simpleString()).toList().toString();
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
