package io.latentforge.image;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.latentforge.config.ImageFeatures;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.Quarantine;
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
      .add("error", DataTypes.StringType, true);

  private ImageFeaturizer() {}

  /** {@code accepted} has {@code id, features[, label]}. */
  public static Quarantine.Split featurize(Dataset<Row> corpus, ImageFeatures spec) {
    ImageDecoder decoder = new ImageDecoder(spec);
    UserDefinedFunction decode = udf((UDF1<byte[], Row>) bytes -> {
      try {
        return RowFactory.create(Vectors.dense(decoder.decode(bytes)), null);
      } catch (ImageDecoder.UndecodableImageException e) {
        return RowFactory.create(null, e.getMessage());
      }
    }, DECODED_TYPE).asNondeterministic(); // keeps the optimizer from decoding once per field read

    Column content = col(CorpusSource.CONTENT);
    Column decoded = when(content.isNotNull().and(col(Columns.ID).isNotNull()), decode.apply(content));
    Dataset<Row> tagged = corpus.withColumn(DECODED, decoded);
    Column reason = when(content.isNull(), lit(RejectReason.NULL_IMAGE.code()))
        .when(col(Columns.ID).isNull(), lit(RejectReason.NULL_ID.code()))
        .when(col(DECODED + ".error").isNotNull(), lit(RejectReason.UNDECODABLE_IMAGE.code()));
    Column detail = when(content.isNull(), lit("image column is null"))
        .when(col(Columns.ID).isNull(), lit("id column is null"))
        .otherwise(col(DECODED + ".error"));
    Quarantine.Split split = Quarantine.split(tagged, reason, detail);
    return split.withAccepted(split.accepted()
        .withColumn(Columns.FEATURES, col(DECODED + ".features"))
        .drop(DECODED, CorpusSource.CONTENT));
  }
}
