package io.latentforge.encode;

import static org.apache.spark.sql.functions.col;

import io.latentforge.input.Quarantine;
import io.latentforge.parquet.TableRows;
import io.latentforge.schema.Columns;
import java.util.OptionalDouble;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Encodes features already in a Dataset: the accepted rows of a featurization's split, whose
 * rejects are published with the codes. The counts come from one job over the split's cached rows,
 * made once; a nightly run asks for them before training, to stop early on too many rejects.
 */
public final class FeatureEncoder implements CorpusEncoder {

  private final SparkSession spark;
  private final Quarantine.Split split;
  private final int inputSize;
  private RowCounts counts;
  private Double baseline;

  public FeatureEncoder(SparkSession spark, Quarantine.Split split, int inputSize) {
    this.spark = spark;
    this.split = split;
    this.inputSize = inputSize;
  }

  /** Rows read, accepted and rejected by reason. */
  public RowCounts counts() {
    if (counts == null) {
      counts = RowCounts.of(split);
    }
    return counts;
  }

  @Override
  public EncodedCorpus encode(ModelToEncode model, String stagingDir) {
    RowCounts rows = counts();
    return new EncodedCorpus(rows, new TableRows.Pending(split.rejects()),
        new TableRows.Pending(Encoder.encode(spark, split.accepted(), model.network(), model.modelId(), model.code(),
            inputSize, model.batchSize())),
        OptionalDouble.empty(), this::meanInputBaseline);
  }

  /**
   * Sum over features of the accepted rows' population variance: the mean squared error of
   * predicting the mean input (computed once).
   */
  public double meanInputBaseline() {
    if (baseline == null) {
      baseline = meanInputBaseline(split.accepted(), counts().accepted());
    }
    return baseline;
  }

  /** Sum over features of the population variance of {@code rows} rows of feature vectors. */
  public static double meanInputBaseline(Dataset<Row> features, long rows) {
    Row r = features.select(Summarizer.variance(col(Columns.FEATURES))).first();
    double sampleVarianceSum = 0;
    for (double v : ((Vector) r.get(0)).toArray()) {
      sampleVarianceSum += v;
    }
    return rows > 1 ? sampleVarianceSum * (rows - 1) / rows : 0;
  }
}
