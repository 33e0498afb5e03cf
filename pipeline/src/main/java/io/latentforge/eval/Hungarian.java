package io.latentforge.eval;

import java.util.Arrays;

/** Minimum-cost assignment of rows to distinct columns (Kuhn-Munkres with potentials, O(n^2 m)). */
final class Hungarian {

  private Hungarian() {}

  /** For each row, its column; needs rows <= columns. */
  static int[] assign(double[][] cost) {
    int n = cost.length;
    int m = n == 0 ? 0 : cost[0].length;
    if (n > m) {
      throw new IllegalArgumentException("more rows (" + n + ") than columns (" + m + ")");
    }
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] match = new int[m + 1];
    int[] way = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      match[0] = i;
      int j0 = 0;
      double[] minv = new double[m + 1];
      boolean[] used = new boolean[m + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      do {
        used[j0] = true;
        int i0 = match[j0];
        int j1 = 0;
        double delta = Double.POSITIVE_INFINITY;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[match[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (match[j0] != 0);
      do {
        int j1 = way[j0];
        match[j0] = match[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] rowToColumn = new int[n];
    for (int j = 1; j <= m; j++) {
      if (match[j] != 0) {
        rowToColumn[match[j] - 1] = j - 1;
      }
    }
    return rowToColumn;
  }
}
