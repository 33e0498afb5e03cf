package io.latentforge.encode;

import java.io.Serializable;
import java.util.List;

/**
 * Per-feature running means and the squared deviations from them, summed over features: updated a
 * row at a time (Welford) and merged across partitions (Chan et al.), which stays exact where
 * sums of squares minus squared sums would cancel.
 */
final class FeatureMoments implements Serializable {

  private long rows;
  private final double[] mean;
  private double squaredDeviations;

  FeatureMoments(int features) {
    this.mean = new double[features];
  }

  private FeatureMoments(long rows, double[] mean, double squaredDeviations) {
    this.rows = rows;
    this.mean = mean;
    this.squaredDeviations = squaredDeviations;
  }

  long rows() {
    return rows;
  }

  void add(double[] x) {
    rows++;
    double weight = 1.0 / rows;
    for (int i = 0; i < mean.length; i++) {
      double before = x[i] - mean[i];
      mean[i] += before * weight;
      squaredDeviations += before * (x[i] - mean[i]);
    }
  }

  /** No rows, of any width: the start of a merge. */
  static FeatureMoments none() {
    return new FeatureMoments(0);
  }

  /** This and {@code other} together; this one is updated and returned (or {@code other}, when this has no rows). */
  FeatureMoments merge(FeatureMoments other) {
    if (other.rows == 0) {
      return this;
    }
    if (rows == 0) {
      return other;
    }
    long total = rows + other.rows;
    double meanShift = 0;
    for (int i = 0; i < mean.length; i++) {
      double delta = other.mean[i] - mean[i];
      meanShift += delta * delta;
      mean[i] += delta * other.rows / total;
    }
    squaredDeviations += other.squaredDeviations + meanShift * rows * other.rows / total;
    rows = total;
    return this;
  }

  /** The features' population variances, summed: the mean squared error of predicting the mean row. */
  double populationVarianceSum() {
    return rows > 1 ? squaredDeviations / rows : 0;
  }

  /** {@code [rows, squared deviations, mean...]}, the form a Spark row carries. */
  double[] toArray() {
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
