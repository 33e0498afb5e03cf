package io.latentforge.input;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.latentforge.LatentforgeException;
import io.latentforge.config.InputSettings;
import io.latentforge.parquet.ParquetFooters;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import io.latentforge.schema.RejectReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
 * knows the input contract's layouts. Every check of the layout runs on the schema alone, before
 * any job; the duplicate-id check then reads the ids.
 */
public final class CorpusSource {

  /** Normalized column holding image bytes or document text. */
  public static final String CONTENT = "content";
  private static final String FILE = "_file";
  private static final String ROW = "_row";
  private static final String DUP_ID = "_dup_id";
  private static final String FIRST = "_first";
  private static final String NULL_ID_DETAIL = "id column is null";
  /** Duplicated ids up to this many go to the tasks in a broadcast (about 100 bytes each). */
  private static final int BROADCAST_DUPLICATES = 100_000;

  private CorpusSource() {}

  /** A corpus ready for featurization. */
  public record Corpus(Dataset<Row> rows, boolean hasLabel, String path) {}

  /**
   * A corpus whose layout has been checked against the input contract (no job has run); its ids
   * are checked by {@link #checkIds(Layout)}.
   */
  public record Layout(Dataset<Row> rows, boolean hasLabel, String path) {}

  /** {@link #layout} then {@link #checkIds(Layout)}. */
  public static Corpus read(SparkSession spark, String path, CorpusKind kind, InputSettings columns) {
    return checkIds(layout(spark, path, kind, columns));
  }

  /** With at most {@code broadcastDuplicates} duplicated ids broadcast; above, the rows are joined by shuffling. */
  static Corpus read(SparkSession spark, String path, CorpusKind kind, InputSettings columns, int broadcastDuplicates) {
    Layout layout = layout(spark, path, kind, columns);
    return new Corpus(withIdChecks(layout.rows(), broadcastDuplicates), layout.hasLabel(), path);
  }

  /** The corpus normalized, after every check of its layout; fails with a bad-input error before any job. */
  public static Layout layout(SparkSession spark, String path, CorpusKind kind, InputSettings columns) {
    requireExists(spark, path);
    Dataset<Row> raw;
    try {
      raw = spark.read().parquet(path);
    } catch (Exception e) {
      throw LatentforgeException.badInput("Cannot read " + path + " as Parquet: " + e.getMessage(),
          "point --input at a Parquet file or a directory of Parquet files.");
    }
    requireReadableFiles(spark, raw, path);
    StructType schema = raw.schema();
    Column content = contentColumn(schema, kind, columns, path);
    Column id = idColumn(schema, columns, content, kind, path);
    List<Column> select = new ArrayList<>(List.of(id.as(Columns.ID), content.as(CONTENT)));
    boolean hasLabel = hasField(schema, columns.label());
    if (hasLabel) {
      select.add(col(quoted(columns.label())).as(Columns.LABEL));
    }
    select.add(col("_metadata.file_path").as(FILE));
    select.add(col("_metadata.row_index").as(ROW));
    Dataset<Row> rows = raw.select(select.toArray(Column[]::new));
    // A corpus in fewer files than cores would decode and encode on fewer cores: spread it out.
    // The input order the duplicate rule needs travels in the file and row columns.
    int cores = spark.sparkContext().defaultParallelism();
    if (rows.rdd().getNumPartitions() < cores) {
      rows = rows.repartition(cores);
    }
    return new Layout(rows, hasLabel, path);
  }

  /**
   * Every file's footer, read before any Spark job: a truncated or foreign file among the corpus's
   * files is bad input, named, not a failed task halfway through a run.
   */
  private static void requireReadableFiles(SparkSession spark, Dataset<Row> raw, String path) {
    List<org.apache.hadoop.fs.Path> files = Arrays.stream(raw.inputFiles()).map(org.apache.hadoop.fs.Path::new).toList();
    Optional<String> unreadable;
    try {
      unreadable = ParquetFooters.firstUnreadable(spark.sparkContext().hadoopConfiguration(), files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Parquet footers of " + path, e);
    }
    unreadable.ifPresent(why -> {
      throw LatentforgeException.badInput("A file of the corpus " + path + " is not a readable Parquet file: " + why,
          "replace the file with a complete copy (it may have been truncated while copied), or remove it.");
    });
  }

  /**
   * Each file of the corpus as "path size modification-time", sorted: what says the corpus at a
   * path is still the one a checkpoint was trained on (none for rows not read from files).
   */
  public static List<String> fileStamps(SparkSession spark, Layout layout) {
    List<String> stamps = new java.util.ArrayList<>();
    try {
      for (String name : layout.rows().inputFiles()) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(name);
        org.apache.hadoop.fs.FileStatus status = file.getFileSystem(spark.sparkContext().hadoopConfiguration())
            .getFileStatus(file);
        stamps.add(name + " " + status.getLen() + " " + status.getModificationTime());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the file sizes of " + layout.path(), e);
    }
    java.util.Collections.sort(stamps);
    return stamps;
  }

  /** Tags null and duplicate ids: one job over the ids (see {@link #withIdChecks}). */
  public static Corpus checkIds(Layout layout) {
    return new Corpus(withIdChecks(layout.rows(), BROADCAST_DUPLICATES), layout.hasLabel(), layout.path());
  }

  /**
   * Adds the id checks to rows already in the normalized layout ({@code id, content[, label]}) that
   * did not come from files, e.g. generated in memory; input order is the Dataset's order.
   */
  public static Dataset<Row> checkIds(Dataset<Row> rows) {
    return withIdChecks(rows.withColumn(FILE, lit("")).withColumn(ROW, monotonically_increasing_id()), BROADCAST_DUPLICATES);
  }

  /**
   * Tags null ids and duplicate ids. Of the rows sharing an id, the first in input order is kept:
   * the one in the file whose path sorts first, at the lowest row index within that file; the
   * others are {@code duplicate_id} rejects. The duplicated ids are found first, by one job over
   * the ids alone. They are usually none or few: then the rows (with their content) are tagged
   * where they are, without a shuffle, and only the rows of duplicated ids are looked at again
   * for their positions. Only a corpus with very many duplicated ids is joined by shuffling.
   */
  private static Dataset<Row> withIdChecks(Dataset<Row> rows, int broadcastDuplicates) {
    Column nullId = col(Columns.ID).isNull();
    Dataset<Row> duplicatedIds = rows.where(col(Columns.ID).isNotNull())
        .groupBy(col(Columns.ID).as(DUP_ID)).agg(count(lit(1)).as("_n"))
        .where(col("_n").gt(1)).select(DUP_ID);
    List<Row> few = duplicatedIds.limit(broadcastDuplicates + 1).collectAsList();
    if (few.isEmpty()) {
      return rows.withColumn(Quarantine.ID_REASON, when(nullId, lit(RejectReason.NULL_ID.code())))
          .withColumn(Quarantine.ID_DETAIL, when(nullId, lit(NULL_ID_DETAIL)))
          .drop(FILE, ROW);
    }
    Dataset<Row> firsts;
    if (few.size() <= broadcastDuplicates) {
      Dataset<Row> ids = broadcast(rows.sparkSession().createDataFrame(few, duplicatedIds.schema()));
      Dataset<Row> computed = firstPositions(rows.join(ids, rows.col(Columns.ID).equalTo(ids.col(DUP_ID)), "left_semi"));
      firsts = broadcast(rows.sparkSession().createDataFrame(computed.collectAsList(), computed.schema()));
    } else {
      firsts = firstPositions(rows.join(duplicatedIds, rows.col(Columns.ID).equalTo(duplicatedIds.col(DUP_ID)), "left_semi"));
    }
    Column position = struct(col(FILE), col(ROW));
    Dataset<Row> joined = rows.join(firsts, rows.col(Columns.ID).equalTo(firsts.col(DUP_ID)), "left");
    Column duplicate = col(FIRST).isNotNull().and(position.notEqual(col(FIRST)));
    return joined
        .withColumn(Quarantine.ID_REASON, when(nullId, lit(RejectReason.NULL_ID.code()))
            .when(duplicate, lit(RejectReason.DUPLICATE_ID.code())))
        .withColumn(Quarantine.ID_DETAIL, when(nullId, lit(NULL_ID_DETAIL))
            .when(duplicate, concat(lit("the id also occurs at "), col(FIRST + "." + FILE), lit(" row "),
                col(FIRST + "." + ROW), lit(", which is kept"))))
        .drop(DUP_ID, FIRST, FILE, ROW);
  }

  /** Per id, the position of its first row in input order. */
  private static Dataset<Row> firstPositions(Dataset<Row> rows) {
    return rows.groupBy(col(Columns.ID).as(DUP_ID)).agg(min(struct(col(FILE), col(ROW))).as(FIRST));
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

  private static Column contentColumn(StructType schema, CorpusKind kind, InputSettings columns, String path) {
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
    // Spark's image data source: struct<origin, height, width, nChannels, mode, data>, raw BGR bytes.
    if (type instanceof StructType struct && isSparkImage(struct)) {
      return struct(col(quoted(columns.image()) + ".height").as("height"), col(quoted(columns.image()) + ".width").as("width"),
          col(quoted(columns.image()) + ".nChannels").as("nChannels"), col(quoted(columns.image()) + ".data").as("data"));
    }
    throw wrongType(schema, columns.image(), type, "binary (encoded PNG/JPEG/GIF/BMP), struct<bytes: binary, path: string> (Hugging Face) or Spark's image struct", path);
  }

  private static Column idColumn(StructType schema, InputSettings columns, Column content, CorpusKind kind, String path) {
    if (!hasField(schema, columns.id())) {
      // Stable across runs: the id is the hex SHA-256 of the content itself.
      Column bytes = kind == CorpusKind.TEXT ? encode(content, "UTF-8")
          : schema.apply(columns.image()).dataType() instanceof StructType s && isSparkImage(s) ? content.getField("data") : content;
      return sha2(bytes, 256);
    }
    DataType type = schema.apply(columns.id()).dataType();
    if (!(type instanceof org.apache.spark.sql.types.StringType) && !(type instanceof org.apache.spark.sql.types.NumericType)) {
      throw wrongType(schema, columns.id(), type, "string (or an integer type, read as its decimal string)", path);
    }
    return col(quoted(columns.id())).cast(StringType$.MODULE$);
  }

  /** The image column's layout is Spark's image data source struct. */
  public static boolean isSparkImage(StructType struct) {
    return hasField(struct, "data") && hasField(struct, "height") && hasField(struct, "width") && hasField(struct, "nChannels");
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
