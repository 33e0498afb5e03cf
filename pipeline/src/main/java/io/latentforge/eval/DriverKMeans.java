package io.latentforge.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Euclidean k-means of the evaluated sample, which is already on the driver (at most
 * {@code evaluate.max-rows} rows): greedy k-means++ seeding, then Lloyd's iterations until no row
 * changes cluster, the best of {@link #RESTARTS} runs. MLlib's distributed k-means ran a Spark job per iteration on these few rows, which was
 * most of the evaluation's time on small corpora. Rows are read sparsely, since tf-idf rows are.
 */
final class DriverKMeans {

  /** MLlib's default iteration limit, which evaluation used before. */
  static final int MAX_ITERATIONS = 20;
  /** Seedings tried, keeping the clustering with the smallest total squared distance (Lloyd's ends in local optima). */
  static final int RESTARTS = 5;

  private final int[][] index;
  private final float[][] value;
  private final double[] squaredNorm;
  private final int dimensions;

  private DriverKMeans(float[][] rows) {
    int n = rows.length;
    dimensions = rows[0].length;
    index = new int[n][];
    value = new float[n][];
    squaredNorm = new double[n];
    for (int i = 0; i < n; i++) {
      int nonZero = 0;
      for (float x : rows[i]) {
        nonZero += x != 0 ? 1 : 0;
      }
      index[i] = new int[nonZero];
      value[i] = new float[nonZero];
      for (int j = 0, p = 0; j < dimensions; j++) {
        if (rows[i][j] != 0) {
          index[i][p] = j;
          value[i][p++] = rows[i][j];
          squaredNorm[i] += (double) rows[i][j] * rows[i][j];
        }
      }
    }
  }

  /** Each row's cluster, 0 to {@code k - 1}; all 0 when {@code k < 2} or there are no more rows than clusters. */
  static int[] cluster(float[][] rows, int k, long seed) {
    if (k < 2 || rows.length <= k) {
      return new int[rows.length];
    }
    DriverKMeans data = new DriverKMeans(rows);
    SplittableRandom random = new SplittableRandom(seed);
    int[] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int restart = 0; restart < RESTARTS; restart++) {
      Clustering clustering = data.lloyd(k, random.split());
      double cost = data.cost(clustering);
      if (cost < bestCost) {
        best = clustering.assigned();
        bestCost = cost;
      }
    }
    return best;
  }

  /** Lloyd's result: each row's cluster and the clusters' means (a cluster left empty keeps its centre). */
  private record Clustering(int[] assigned, double[][] centers) {}

  /** The total squared distance of the rows to their cluster's mean. */
  private double cost(Clustering clustering) {
    double[] norms = squaredNorms(clustering.centers());
    double sum = 0;
    for (int i = 0; i < index.length; i++) {
      int c = clustering.assigned()[i];
      sum += squaredDistance(i, clustering.centers()[c], norms[c]);
    }
    return sum;
  }

  /**
   * Lloyd's iterations from k-means++ seeds. Centres are recomputed after every change of
   * assignment, so on return they are the means of the returned clusters.
   */
  private Clustering lloyd(int k, SplittableRandom random) {
    double[][] centers = seeds(k, random);
    int[] assigned = new int[index.length];
    Arrays.fill(assigned, -1);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      boolean changed = false;
      double[] norms = squaredNorms(centers);
      for (int i = 0; i < index.length; i++) {
        int nearest = nearest(i, centers, norms);
        changed |= nearest != assigned[i];
        assigned[i] = nearest;
      }
      if (!changed) {
        break;
      }
      centers = means(assigned, centers);
    }
    return new Clustering(assigned, centers);
  }

  /**
   * Greedy k-means++ (as scikit-learn seeds): the first centre uniformly; then, of 2 + ln k rows
   * drawn with probability proportional to their squared distance to the nearest centre so far, the
   * one that leaves the smallest total squared distance.
   */
  private double[][] seeds(int k, SplittableRandom random) {
    int trials = 2 + (int) Math.log(k);
    double[][] centers = new double[k][];
    centers[0] = dense(random.nextInt(index.length));
    double[] distance = distancesTo(centers[0], null);
    for (int c = 1; c < k; c++) {
      double total = Arrays.stream(distance).sum();
      double[] bestDistance = null;
      int best = -1;
      for (int t = 0; t < trials; t++) {
        int candidate = total > 0 ? draw(distance, total, random) : random.nextInt(index.length);
        double[] after = distancesTo(dense(candidate), distance);
        if (bestDistance == null || Arrays.stream(after).sum() < Arrays.stream(bestDistance).sum()) {
          bestDistance = after;
          best = candidate;
        }
      }
      centers[c] = dense(best);
      distance = bestDistance;
    }
    return centers;
  }

  /** A row drawn with probability proportional to {@code weight}. */
  private static int draw(double[] weight, double total, SplittableRandom random) {
    double target = random.nextDouble() * total;
    for (int i = 0; i < weight.length; i++) {
      target -= weight[i];
      if (target < 0) {
        return i;
      }
    }
    return weight.length - 1;
  }

  /** Each row's squared distance to {@code center}, or to its nearest centre so far when that is closer. */
  private double[] distancesTo(double[] center, double[] sofar) {
    double norm = squaredNorm(center);
    double[] d = new double[index.length];
    for (int i = 0; i < index.length; i++) {
      d[i] = squaredDistance(i, center, norm);
      if (sofar != null) {
        d[i] = Math.min(d[i], sofar[i]);
      }
    }
    return d;
  }

  /** The mean of each cluster's rows; a cluster left empty keeps its centre. */
  private double[][] means(int[] assigned, double[][] previous) {
    double[][] sums = new double[previous.length][dimensions];
    int[] counts = new int[previous.length];
    for (int i = 0; i < index.length; i++) {
      counts[assigned[i]]++;
      for (int p = 0; p < index[i].length; p++) {
        sums[assigned[i]][index[i][p]] += value[i][p];
      }
    }
    for (int c = 0; c < sums.length; c++) {
      if (counts[c] == 0) {
        sums[c] = previous[c];
      } else {
        for (int j = 0; j < dimensions; j++) {
          sums[c][j] /= counts[c];
        }
      }
    }
    return sums;
  }

  private int nearest(int row, double[][] centers, double[] squaredNorms) {
    int best = 0;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int c = 0; c < centers.length; c++) {
      double d = squaredDistance(row, centers[c], squaredNorms[c]);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }

  /** |x|^2 + |c|^2 - 2 x.c, over the row's non-zero entries only. */
  private double squaredDistance(int row, double[] center, double centerSquaredNorm) {
    double dot = 0;
    for (int p = 0; p < index[row].length; p++) {
      dot += value[row][p] * center[index[row][p]];
    }
    return Math.max(0, squaredNorm[row] + centerSquaredNorm - 2 * dot);
  }

  private double[] dense(int row) {
    double[] v = new double[dimensions];
    for (int p = 0; p < index[row].length; p++) {
      v[index[row][p]] = value[row][p];
    }
    return v;
  }

  private static double[] squaredNorms(double[][] centers) {
    double[] norms = new double[centers.length];
    for (int c = 0; c < centers.length; c++) {
      norms[c] = squaredNorm(centers[c]);
    }
    return norms;
  }

  private static double squaredNorm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return s;
  }
}
