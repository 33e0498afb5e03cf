package io.latentforge.encode;

import java.io.Serializable;
import java.util.List;

/**
 * Per-feature means and the squared deviations from them, summed over features: accumulated a
 * row at a time as sums of deviations from the first row (shifted data, so no cancellation for
 * features far from zero, and a loop the JIT vectorizes), and merged across partitions by Chan et
 * al.'s formula.
 */
final class FeatureMoments implements Serializable {

  private long rows;
  private final double[] mean;
  private double squaredDeviations;
  /** Rows added since the last {@link #settle}, as sums of deviations from {@code shift}. */
  private transient long pending;
  private transient double[] shift;
  private transient double[] sum;
  private transient double[] sumOfSquares;

  FeatureMoments(int features) {
    this.mean = new double[features];
  }

  private FeatureMoments(long rows, double[] mean, double squaredDeviations) {
    this.rows = rows;
    this.mean = mean;
    this.squaredDeviations = squaredDeviations;
  }

  long rows() {
    return rows + pending;
  }

  void add(double[] x) {
    if (shift == null) {
      shift = x.clone();
      sum = new double[x.length];
      sumOfSquares = new double[x.length];
    }
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - shift[i];
      sum[i] += d;
      sumOfSquares[i] += d * d;
    }
    pending++;
  }

  /** Folds the rows added since the last call into the means and squared deviations. */
  private FeatureMoments settle() {
    if (pending > 0) {
      double[] pendingMean = new double[mean.length];
      double deviations = 0;
      for (int i = 0; i < mean.length; i++) {
        pendingMean[i] = shift[i] + sum[i] / pending;
        deviations += sumOfSquares[i] - sum[i] * sum[i] / pending;
      }
      long added = pending;
      pending = 0;
      shift = null;
      absorb(added, pendingMean, deviations);
    }
    return this;
  }

  /** No rows, of any width: the start of a merge. */
  static FeatureMoments none() {
    return new FeatureMoments(0);
  }

  /** This and {@code other} together; this one is updated and returned (or {@code other}, when this is {@link #none}). */
  FeatureMoments merge(FeatureMoments other) {
    settle();
    other.settle();
    if (rows == 0 && mean.length != other.mean.length) {
      return other;
    }
    absorb(other.rows, other.mean, other.squaredDeviations);
    return this;
  }

  private void absorb(long otherRows, double[] otherMean, double otherDeviations) {
    if (otherRows == 0) {
      return;
    }
    if (rows == 0) {
      rows = otherRows;
      System.arraycopy(otherMean, 0, mean, 0, mean.length);
      squaredDeviations = otherDeviations;
      return;
    }
    long total = rows + otherRows;
    double meanShift = 0;
    for (int i = 0; i < mean.length; i++) {
      double delta = otherMean[i] - mean[i];
      meanShift += delta * delta;
      mean[i] += delta * otherRows / total;
    }
    squaredDeviations += otherDeviations + meanShift * rows * otherRows / total;
    rows = total;
  }

  /** The features' population variances, summed: the mean squared error of predicting the mean row. */
  double populationVarianceSum() {
    settle();
    return rows > 1 ? squaredDeviations / rows : 0;
  }

  /** {@code [rows, squared deviations, mean...]}, the form a Spark row carries. */
  double[] toArray() {
    settle();
    double[] out = new double[mean.length + 2];
    out[0] = rows;
    out[1] = squaredDeviations;
    System.arraycopy(mean, 0, out, 2, mean.length);
    return out;
  }

  static FeatureMoments of(List<Double> values) {
    double[] mean = new double[values.size() - 2];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = values.get(i + 2);
    }
    return new FeatureMoments(values.get(0).longValue(), mean, values.get(1));
  }
}
