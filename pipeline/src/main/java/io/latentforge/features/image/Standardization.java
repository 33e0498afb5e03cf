package io.latentforge.features.image;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.latentforge.schema.Columns;
import java.io.Serializable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;

/**
 * Per-channel standardization of CHW image features: (x - mean_c) / std_c with each channel's
 * mean and population standard deviation over every pixel of the training corpus. Fitted once
 * and recorded with the model, so encoding later applies the same shift and scale.
 */
public record Standardization(double[] mean, double[] std) implements Serializable {

  /** One pass over the features: per-pixel means and variances, pooled per channel. */
  public static Standardization fit(Dataset<Row> features, int channels) {
    Row r = features.select(Summarizer.metrics("mean", "variance", "count").summary(col(Columns.FEATURES)).as("s"))
        .select("s.mean", "s.variance", "s.count").first();
    double[] pixelMean = ((Vector) r.get(0)).toArray();
    double[] pixelVariance = ((Vector) r.get(1)).toArray();
    long n = r.getLong(2);
    int plane = pixelMean.length / channels;
    double[] mean = new double[channels];
    double[] std = new double[channels];
    for (int c = 0; c < channels; c++) {
      double sumMean = 0;
      double sumSquare = 0;
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        // E[x^2] of a pixel from its sample variance and mean.
        double populationVariance = n > 1 ? pixelVariance[i] * (n - 1) / n : 0;
        sumMean += pixelMean[i];
        sumSquare += populationVariance + pixelMean[i] * pixelMean[i];
      }
      mean[c] = sumMean / plane;
      double variance = sumSquare / plane - mean[c] * mean[c];
      // A constant channel keeps its scale rather than dividing by zero.
      std[c] = variance > 1e-12 ? Math.sqrt(variance) : 1.0;
    }
    return new Standardization(mean, std);
  }

  public Dataset<Row> apply(Dataset<Row> features) {
    UDF1<Vector, Vector> standardize = v -> Vectors.dense(standardizeInPlace(v.toArray().clone()));
    return features.withColumn(Columns.FEATURES, udf(standardize, SQLDataTypes.VectorType()).apply(col(Columns.FEATURES)));
  }

  /** Standardizes CHW features in place and returns them. */
  public double[] standardizeInPlace(double[] x) {
    int plane = x.length / mean.length;
    for (int i = 0; i < x.length; i++) {
      x[i] = (x[i] - mean[i / plane]) / std[i / plane];
    }
    return x;
  }
}
