package io.latentforge.features.image;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.latentforge.config.ImageFeatures;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.schema.Columns;
import io.latentforge.schema.RejectReason;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Image corpus rows ({@code id, content[, label]}) to feature vectors, bad rows to rejects. */
public final class ImageFeaturizer {

  private static final String DECODED = "_decoded";
  private static final StructType DECODED_TYPE = new StructType()
      .add("features", SQLDataTypes.VectorType(), true)
      .add("reason", DataTypes.StringType, true)
      .add("detail", DataTypes.StringType, true);

  /** The reject detail of a row without an image. */
  public static final String NULL_IMAGE_DETAIL = "image column is null";

  private ImageFeaturizer() {}

  /** A decoding step that may reject the row. */
  private interface Decode extends java.io.Serializable {
    double[] apply(Object content) throws ImageDecoder.RejectedImageException;
  }

  /** {@code accepted} has {@code id, features[, label]}. */
  public static Quarantine.Split featurize(Dataset<Row> corpus, ImageFeatures spec, long maxImagePixels) {
    ImageDecoder decoder = new ImageDecoder(spec, maxImagePixels);
    UserDefinedFunction decode = udf(guarded(decoder::decodeContent), DECODED_TYPE);

    Column content = col(CorpusSource.CONTENT);
    // Non-deterministic keeps the optimizer from decoding once per field read.
    Column decoded = when(content.isNotNull().and(col(Quarantine.ID_REASON).isNull()),
        decode.asNondeterministic().apply(content));
    Dataset<Row> tagged = corpus.withColumn(DECODED, decoded);
    Column reason = when(content.isNull(), lit(RejectReason.NULL_IMAGE.code())).otherwise(col(DECODED + ".reason"));
    Column detail = when(content.isNull(), lit(NULL_IMAGE_DETAIL)).otherwise(col(DECODED + ".detail"));
    Quarantine.Split split = Quarantine.split(tagged, reason, detail);
    return split.withAccepted(split.accepted()
        .withColumn(Columns.FEATURES, col(DECODED + ".features"))
        .drop(DECODED, CorpusSource.CONTENT));
  }

  private static UDF1<Object, Row> guarded(Decode decode) {
    return content -> {
      try {
        return RowFactory.create(Vectors.dense(decode.apply(content)), null, null);
      } catch (ImageDecoder.RejectedImageException e) {
        return RowFactory.create(null, e.reason().code(), e.getMessage());
      }
    };
  }
}
