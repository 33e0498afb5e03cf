package io.latentforge.jobs.bench;

import java.util.Arrays;

/** The median the benchmarks report (the upper one of an even count). */
final class Median {

  private Median() {}

  static double of(double... values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
