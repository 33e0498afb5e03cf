package io.latentforge.importers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.udf;

import io.latentforge.LatentforgeException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * One folder per label, one file per item, read in parallel with Spark's binaryFile source:
 * {@code image-dir} keeps the bytes as the image, {@code text-dir} decodes them as text (UTF-8,
 * or ISO-8859-1 when not valid UTF-8, as in 20 Newsgroups). The id is the file's path relative to
 * SRC, the label its folder's name. Hidden files are skipped.
 */
public final class LabelledDirectory implements Importer {

  private final boolean text;

  private LabelledDirectory(boolean text) {
    this.text = text;
  }

  public static LabelledDirectory images() {
    return new LabelledDirectory(false);
  }

  public static LabelledDirectory documents() {
    return new LabelledDirectory(true);
  }

  @Override
  public Dataset<Row> read(SparkSession spark, String source) {
    if (!Sources.hasSubdirectories(spark, source)) {
      throw LatentforgeException.badInput("Import source " + source + " has no label folders.",
          "lay the corpus out as SRC/<label>/<file>, one folder per label.");
    }
    String root = Sources.fs(spark, new Path(source)).makeQualified(new Path(source)).toString();
    Dataset<Row> files = spark.read().format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "[!.]*")
        .load(source);
    Column relative = regexp_replace(col("path"), "^" + Pattern.quote(root.endsWith("/") ? root : root + "/"), "");
    Column label = element_at(split(relative, "/"), -2);
    Column content = text
        ? udf((UDF1<byte[], String>) LabelledDirectory::decodeText, DataTypes.StringType).apply(col("content"))
        : col("content");
    return files.select(relative.as("id"), content.as(text ? "text" : "image"), label.as("label"))
        .where(col("label").isNotNull().and(col("id").contains(lit("/"))));
  }

  static String decodeText(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
