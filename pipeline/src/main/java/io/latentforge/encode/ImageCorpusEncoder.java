package io.latentforge.encode;

import static org.apache.spark.sql.functions.col;

import io.latentforge.features.image.ImageDecoder;
import io.latentforge.features.image.ImageFeaturizer;
import io.latentforge.features.image.Standardization;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.parquet.ParquetTaskOutput;
import io.latentforge.parquet.TableRows;
import io.latentforge.schema.Columns;
import io.latentforge.schema.RejectReason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Encodes an image corpus straight from its encoded bytes, in one pass that writes its output
 * from the encoding tasks: each task decodes a row into the forward pass's batch and writes the
 * code rows, the rejects, and its feature statistics (for the mean-input baseline) as files
 * committed together when the job ends. The pixels never become Spark rows, and nothing is cached
 * or read twice. The features are the ones {@link ImageFeaturizer} and {@link Standardization} give.
 */
public final class ImageCorpusEncoder implements CorpusEncoder {

  /** The tables of the task output, in the order the tasks write them. */
  static final int CODES = 0;
  static final int REJECTS = 1;
  static final int STATS = 2;
  private static final List<String> TABLES = List.of("codes", "rejects", "stats");
  /** The statistics table: one row per task, {@code [rows, sum of squared deviations, mean...]}. */
  static final StructType STATS_SCHEMA = new StructType()
      .add("moments", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  private final SparkSession spark;
  private final Dataset<Row> corpus;
  private final Featurizer featurizer;

  /**
   * @param corpus {@code id, content[, label]} with the id checks' columns ({@link CorpusSource#checkIds})
   */
  public ImageCorpusEncoder(SparkSession spark, Dataset<Row> corpus, Featurizer featurizer) {
    this.spark = spark;
    this.corpus = corpus;
    this.featurizer = featurizer;
  }

  /** How the corpus becomes features: the model's image spec and standardization (or null). */
  public record Featurizer(ImageDecoder decoder, Standardization standardization) implements Serializable {}

  /**
   * What a pass wrote: rows encoded, the sum of their reconstruction errors, and rows rejected by
   * reason. A class, not a record: Kryo, the serializer of task results on clusters, cannot set a
   * record's fields.
   */
  static final class Tally implements Serializable {
    private final long accepted;
    private final double reconErrorSum;
    private final Map<String, Long> rejectsByReason;

    Tally(long accepted, double reconErrorSum, Map<String, Long> rejectsByReason) {
      this.accepted = accepted;
      this.reconErrorSum = reconErrorSum;
      this.rejectsByReason = new TreeMap<>(rejectsByReason);
    }

    Tally merge(Tally other) {
      Tally sum = new Tally(accepted + other.accepted, reconErrorSum + other.reconErrorSum, rejectsByReason);
      other.rejectsByReason.forEach((reason, n) -> sum.rejectsByReason.merge(reason, n, Long::sum));
      return sum;
    }

    @Override
    public String toString() {
      return accepted + " accepted (recon_error sum " + reconErrorSum + "), rejected " + rejectsByReason;
    }
  }

  /**
   * Encodes the corpus into {@code stagingDir}: code rows ({@link Encoder#schema}) under
   * {@code codes/}, rejects ({@link Quarantine#REJECTS}) under {@code rejects/}, the tasks' feature
   * statistics under {@code stats/}.
   */
  @Override
  public EncodedCorpus encode(ModelToEncode model, String stagingDir) {
    StructType codeSchema = Encoder.schema(corpus.schema(), model.code().binary());
    Map<String, StructType> tables = new LinkedHashMap<>();
    tables.put(TABLES.get(CODES), codeSchema);
    tables.put(TABLES.get(REJECTS), Quarantine.REJECTS);
    tables.put(TABLES.get(STATS), STATS_SCHEMA);
    ParquetTaskOutput out = ParquetTaskOutput.of(spark, stagingDir, tables, Map.of(TableRows.DICTIONARY, "false"));
    Tally tally = write(model, out);
    String stats = stagingDir + "/" + TABLES.get(STATS);
    return new EncodedCorpus(RowCounts.of(tally.accepted, tally.rejectsByReason),
        new TableRows.Written(stagingDir + "/" + TABLES.get(REJECTS), Quarantine.REJECTS),
        new TableRows.Written(stagingDir + "/" + TABLES.get(CODES), codeSchema),
        OptionalDouble.of(tally.reconErrorSum / tally.accepted),
        () -> meanInputBaseline(spark.read().schema(STATS_SCHEMA).parquet(stats)));
  }

  private Tally write(ModelToEncode model, ParquetTaskOutput out) {
    boolean label = Encoder.hasLabel(corpus.schema());
    List<Column> input = new ArrayList<>(List.of(col(Columns.ID), col(CorpusSource.CONTENT)));
    if (label) {
      input.add(col(Columns.LABEL));
    }
    input.add(col(Quarantine.ID_REASON));
    input.add(col(Quarantine.ID_DETAIL));
    int inputSize = featurizer.decoder().spec().size();
    Tally[] total = {new Tally(0, 0, Map.of())};
    // Spark's internal rows, in and out: no conversion of the image bytes, ids or codes to Java objects.
    out.run(spark, corpus.select(input.toArray(Column[]::new)).queryExecution().toRdd(),
        new EncodeImages(new EncodeTask(Encoder.broadcast(spark, model.network()), model.modelId(), model.code(),
            inputSize, label, model.batchSize()),
            featurizer, corpus.schema().apply(CorpusSource.CONTENT).dataType() instanceof StructType),
        tally -> total[0] = total[0].merge(tally));
    return total[0];
  }

  /**
   * The mean squared error of predicting the mean input (the features' population variances,
   * summed), merged from the tasks' statistics.
   */
  static double meanInputBaseline(Dataset<Row> stats) {
    // Merged on the executors: a task's statistics are as wide as an image, too many for the driver.
    return stats.javaRDD()
        .map(r -> FeatureMoments.of(r.getList(0)))
        .treeAggregate(FeatureMoments.none(), FeatureMoments::merge, FeatureMoments::merge)
        .populationVarianceSum();
  }

  static final class EncodeImages implements ParquetTaskOutput.TaskBody<InternalRow, Tally> {
    private final EncodeTask task;
    private final Featurizer featurizer;
    /** Content is Spark's image source struct {@code (height, width, nChannels, data)}, not encoded bytes. */
    private final boolean sparkImage;

    EncodeImages(EncodeTask task, Featurizer featurizer, boolean sparkImage) {
      this.task = task;
      this.featurizer = featurizer;
      this.sparkImage = sparkImage;
    }

    @Override
    public Tally write(Iterator<InternalRow> rows, ParquetTaskOutput.Files files) {
      boolean label = task.label();
      int idReason = label ? 3 : 2;
      DataType labelType = label ? files.schema(CODES).apply(Columns.LABEL).dataType() : null;
      UTF8String modelId = UTF8String.fromString(task.modelId());
      FeatureMoments moments = new FeatureMoments(task.inputSize());
      Map<String, Long> rejects = new TreeMap<>();
      double[] reconErrorSum = {0};
      Iterator<InternalRow> codes = new BatchingIterator<InternalRow, InternalRow>(rows, task) {
        @Override
        void consume(InternalRow row) {
          if (!row.isNullAt(idReason)) {
            reject(row, row.getUTF8String(idReason).toString(), row.getUTF8String(idReason + 1).toString());
          } else if (row.isNullAt(1)) {
            reject(row, RejectReason.NULL_IMAGE.code(), ImageFeaturizer.NULL_IMAGE_DETAIL);
          } else {
            try {
              double[] x = decode(row);
              if (featurizer.standardization() != null) {
                featurizer.standardization().standardizeInPlace(x);
              }
              moments.add(x);
              // The input row's buffers and x are reused for the next row: the batch keeps copies.
              add(row.getUTF8String(0).clone(), label ? InternalRow.copyValue(row.get(2, labelType)) : null, x);
            } catch (ImageDecoder.RejectedImageException e) {
              reject(row, e.reason().code(), e.getMessage());
            }
          }
        }

        @Override
        InternalRow codeRow(Object id, Object rowLabel, BatchForward.Result batch, int i) {
          reconErrorSum[0] += batch.reconErrors()[i];
          return new GenericInternalRow(codeValues(id, UnsafeArrayData.fromPrimitiveArray(batch.codes(),
              Platform.FLOAT_ARRAY_OFFSET + i * batch.codeSize() * Float.BYTES, batch.codeSize(), Float.BYTES),
              modelId, batch, i, rowLabel));
        }

        private void reject(InternalRow row, String reason, String detail) {
          files.write(REJECTS, RowFactory.create(row.isNullAt(0) ? null : row.getUTF8String(0).toString(), reason, detail));
          rejects.merge(reason, 1L, Long::sum);
        }
      };
      long accepted = 0;
      while (codes.hasNext()) {
        files.write(CODES, codes.next());
        accepted++;
      }
      if (moments.rows() > 0) {
        files.write(STATS, RowFactory.create((Object) moments.toArray()));
      }
      return new Tally(accepted, reconErrorSum[0], rejects);
    }

    private double[] decode(InternalRow row) throws ImageDecoder.RejectedImageException {
      if (sparkImage) {
        InternalRow image = row.getStruct(1, 4);
        return featurizer.decoder().fromSparkImage(image.getInt(0), image.getInt(1), image.getInt(2), image.getBinary(3));
      }
      return featurizer.decoder().decodeReusing(row.getBinary(1));
    }
  }
}
