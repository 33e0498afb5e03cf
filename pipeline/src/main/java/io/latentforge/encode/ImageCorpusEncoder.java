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
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
    out.runOnInternalRows(spark, corpus.select(input.toArray(Column[]::new)),
        new ImageRowsTask(new EncodeTask(Encoder.broadcast(spark, model.network()), model.modelId(), model.code(),
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
}
