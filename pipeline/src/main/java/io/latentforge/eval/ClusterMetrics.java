package io.latentforge.eval;

/**
 * Agreement of a clustering with labels: normalized mutual information (arithmetic-mean
 * normalization, as scikit-learn's default) and accuracy under the best one-to-one matching of
 * clusters to labels.
 */
public final class ClusterMetrics {

  private ClusterMetrics() {}

  /** Labels and clusters are small non-negative ints, one per row. */
  public static double nmi(int[] labels, int[] clusters) {
    long[][] table = contingency(labels, clusters);
    double n = labels.length;
    double[] rowSums = new double[table.length];
    double[] colSums = new double[table[0].length];
    for (int a = 0; a < table.length; a++) {
      for (int b = 0; b < table[a].length; b++) {
        rowSums[a] += table[a][b];
        colSums[b] += table[a][b];
      }
    }
    double mutual = 0;
    for (int a = 0; a < table.length; a++) {
      for (int b = 0; b < table[a].length; b++) {
        if (table[a][b] > 0) {
          mutual += table[a][b] / n * Math.log(n * table[a][b] / (rowSums[a] * colSums[b]));
        }
      }
    }
    double hLabels = entropy(rowSums, n);
    double hClusters = entropy(colSums, n);
    if (hLabels == 0 && hClusters == 0) {
      return 1.0;
    }
    double mean = (hLabels + hClusters) / 2;
    return mean == 0 ? 0 : Math.max(0, mutual) / mean;
  }

  /** The share of rows whose cluster maps to their label, under the best one-to-one mapping. */
  public static double accuracy(int[] labels, int[] clusters) {
    return labels.length == 0 ? 0 : (double) matched(contingency(labels, clusters)) / labels.length;
  }

  /**
   * The rows on the diagonal of {@code table} (rows by one grouping, columns by another) under the
   * one-to-one matching of its rows to its columns that keeps the most.
   */
  public static long matched(long[][] table) {
    int columns = table.length == 0 ? 0 : table[0].length;
    int size = Math.max(table.length, columns);
    double[][] cost = new double[size][size];
    for (int a = 0; a < table.length; a++) {
      for (int b = 0; b < columns; b++) {
        cost[b][a] = -table[a][b];
      }
    }
    int[] match = Hungarian.assign(cost);
    long kept = 0;
    for (int b = 0; b < columns; b++) {
      if (match[b] < table.length) {
        kept += table[match[b]][b];
      }
    }
    return kept;
  }

  /**
   * The one-to-one matching of centres {@code a} to centres {@code b} with the least total squared
   * distance: for each of {@code a}, the index of its match in {@code b}, or -1 when {@code b} has
   * fewer centres and it has none.
   */
  public static int[] matchCenters(float[][] a, float[][] b) {
    int size = Math.max(a.length, b.length);
    double[][] cost = new double[size][size];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        double d = 0;
        for (int k = 0; k < a[i].length; k++) {
          double diff = a[i][k] - b[j][k];
          d += diff * diff;
        }
        cost[i][j] = d;
      }
    }
    int[] match = Hungarian.assign(cost);
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = match[i] < b.length ? match[i] : -1;
    }
    return out;
  }

  private static long[][] contingency(int[] labels, int[] clusters) {
    if (labels.length != clusters.length) {
      throw new IllegalArgumentException(labels.length + " labels but " + clusters.length + " clusters");
    }
    int maxLabel = 0;
    int maxCluster = 0;
    for (int i = 0; i < labels.length; i++) {
      maxLabel = Math.max(maxLabel, labels[i]);
      maxCluster = Math.max(maxCluster, clusters[i]);
    }
    long[][] table = new long[maxLabel + 1][maxCluster + 1];
    for (int i = 0; i < labels.length; i++) {
      table[labels[i]][clusters[i]]++;
    }
    return table;
  }

  private static double entropy(double[] sums, double n) {
    double h = 0;
    for (double s : sums) {
      if (s > 0) {
        h -= s / n * Math.log(s / n);
      }
    }
    return h;
  }
}
