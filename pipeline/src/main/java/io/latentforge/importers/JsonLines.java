package io.latentforge.importers;

import static org.apache.spark.sql.functions.col;

import io.latentforge.LatentforgeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * JSON Lines documents (one object per line, optionally compressed): the text field becomes
 * {@code text}, the id and label fields {@code id} and {@code label} when present. A line that is
 * not a JSON object fails the import with its count, rather than being dropped.
 */
public final class JsonLines implements Importer {

  private static final String CORRUPT = "_corrupt_record";

  private final String textField;
  private final String idField;
  private final String labelField;

  public JsonLines(String textField, String idField, String labelField) {
    this.textField = textField;
    this.idField = idField;
    this.labelField = labelField;
  }

  @Override
  public Dataset<Row> read(SparkSession spark, String source) {
    Sources.files(spark, source, "[^._].*", "JSON Lines files");
    // Materialized: Spark refuses queries on raw JSON that reference only the corrupt-record column.
    // A local checkpoint, not cache(): a cached plan would be reused by a later read of the same
    // path and return stale rows.
    Dataset<Row> json = spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
        .json(source).localCheckpoint();
    List<String> fields = Arrays.asList(json.columns());
    if (fields.contains(CORRUPT)) {
      long bad = json.where(col(CORRUPT).isNotNull()).count();
      if (bad > 0) {
        String example = json.where(col(CORRUPT).isNotNull()).select(CORRUPT).first().getString(0);
        throw LatentforgeException.badInput(bad + " lines of " + source + " are not JSON objects, e.g.: "
            + example.substring(0, Math.min(120, example.length())), "fix or remove those lines.");
      }
    }
    if (!fields.contains(textField)) {
      throw LatentforgeException.badInput("The JSON objects in " + source + " have no field '" + textField
          + "'. Fields found: " + fields + ".", "name the text field with --text-field.");
    }
    List<Column> select = new ArrayList<>(List.of(col(textField).cast(DataTypes.StringType).as("text")));
    if (fields.contains(idField)) {
      select.add(0, col(idField).cast(DataTypes.StringType).as("id"));
    }
    if (fields.contains(labelField)) {
      select.add(col(labelField).as("label"));
    }
    return json.select(select.toArray(Column[]::new));
  }
}
