package io.latentforge.encode;

import static org.apache.spark.sql.functions.col;

import io.latentforge.image.ImageDecoder;
import io.latentforge.image.ImageFeaturizer;
import io.latentforge.image.Standardization;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.Quarantine;
import io.latentforge.model.CodeLayer;
import io.latentforge.schema.Columns;
import io.latentforge.schema.RejectReason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Encodes an image corpus straight from its encoded bytes: each task decodes a row into the
 * forward pass's batch, so the pixels never become Spark rows or a cached table. What is cached is
 * the small output, split like any featurized corpus: code rows (accepted), rejects, and one
 * statistics row per partition from which the mean-input baseline is computed without decoding
 * again. The features are the ones {@link ImageFeaturizer} and {@link Standardization} give.
 */
public final class ImageCorpusEncoder {

  /** Per-partition feature statistics: {@code [rows, sum of squared deviations, mean...]}. */
  static final String STATS = "_stats";
  /** Reason, detail and statistics follow the code table's columns. */
  private static final int TRAILING = 3;

  private ImageCorpusEncoder() {}

  /** How the corpus becomes features: the model's image spec and standardization (or null). */
  public record Featurizer(ImageDecoder decoder, Standardization standardization) implements Serializable {}

  /**
   * @param corpus image corpus rows ({@code id, content[, label]} with the id checks)
   * @return accepted: the code table's rows; rejects: {@code id, reason, detail}
   */
  public static Quarantine.Split encode(SparkSession spark, Dataset<Row> corpus, Featurizer featurizer,
      MultiLayerNetwork network, String modelId, CodeLayer code, int inputSize, int batchSize) {
    boolean label = Encoder.hasLabel(corpus.schema());
    StructType codes = Encoder.schema(corpus.schema(), code.binary());
    List<Column> input = new ArrayList<>(List.of(col(Columns.ID), col(CorpusSource.CONTENT)));
    if (label) {
      input.add(col(Columns.LABEL));
    }
    input.add(col(Quarantine.ID_REASON));
    input.add(col(Quarantine.ID_DETAIL));
    Dataset<Row> tagged = corpus.select(input.toArray(Column[]::new)).mapPartitions(
        new EncodeImages(new EncodeTask(Encoder.broadcast(spark, network), modelId, code, inputSize, label, batchSize,
            TRAILING), featurizer),
        Encoders.row(tagged(codes)));
    Quarantine.Split split = Quarantine.ofTagged(tagged);
    return split.withAccepted(split.accepted().where(col(STATS).isNull()).drop(STATS));
  }

  /** The output rows: the code table's columns (null in rejects), the reject's reason and detail, the statistics. */
  private static StructType tagged(StructType codes) {
    StructType out = new StructType();
    for (StructField f : codes.fields()) {
      out = out.add(f.name(), f.dataType(), true);
    }
    return out.add(Quarantine.REASON, DataTypes.StringType, true)
        .add(Quarantine.DETAIL, DataTypes.StringType, true)
        .add(STATS, DataTypes.createArrayType(DataTypes.DoubleType, false), true);
  }

  /**
   * The mean squared error of predicting the mean input (the features' population variances,
   * summed), merged from the partitions' statistics.
   */
  public static double meanInputBaseline(Quarantine.Split split) {
    // Merged on the executors: a partition's statistics are as wide as an image, too many for the driver.
    return split.cached().where(col(STATS).isNotNull()).select(STATS).javaRDD()
        .map(r -> FeatureMoments.of(r.getList(0)))
        .treeAggregate(FeatureMoments.none(), FeatureMoments::merge, FeatureMoments::merge)
        .populationVarianceSum();
  }

  static final class EncodeImages implements MapPartitionsFunction<Row, Row> {
    private final EncodeTask task;
    private final Featurizer featurizer;

    EncodeImages(EncodeTask task, Featurizer featurizer) {
      this.task = task;
      this.featurizer = featurizer;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      boolean label = task.label();
      int idReason = label ? 3 : 2;
      FeatureMoments moments = new FeatureMoments(task.inputSize());
      return new BatchingIterator(rows, task) {
        @Override
        void consume(Row row) {
          String id = row.getString(0);
          if (!row.isNullAt(idReason)) {
            reject(id, row.getString(idReason), row.getString(idReason + 1));
          } else if (row.isNullAt(1)) {
            reject(id, RejectReason.NULL_IMAGE.code(), ImageFeaturizer.NULL_IMAGE_DETAIL);
          } else {
            try {
              double[] x = featurizer.decoder().decodeContent(row.get(1));
              if (featurizer.standardization() != null) {
                featurizer.standardization().standardizeInPlace(x);
              }
              moments.add(x);
              add(id, label ? row.get(2) : null, x);
            } catch (ImageDecoder.RejectedImageException e) {
              reject(id, e.reason().code(), e.getMessage());
            }
          }
        }

        private void reject(String id, String reason, String detail) {
          Object[] values = new Object[codeColumns() + TRAILING];
          values[0] = id;
          values[codeColumns()] = reason;
          values[codeColumns() + 1] = detail;
          emit(RowFactory.create(values));
        }

        @Override
        void finish() {
          if (moments.rows() > 0) {
            Object[] values = new Object[codeColumns() + TRAILING];
            values[codeColumns() + 2] = moments.toArray();
            emit(RowFactory.create(values));
          }
        }
      };
    }
  }
}
