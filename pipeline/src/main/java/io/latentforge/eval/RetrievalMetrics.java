package io.latentforge.eval;

import io.latentforge.config.Metric;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Retrieval by label within one set of rows, each row querying all the others: precision@k, mean
 * average precision (over queries with at least one relevant row), and leave-one-out k-NN
 * classification accuracy (majority vote, ties to the label of the nearer neighbours).
 * Rankings order by distance, then row index.
 */
public final class RetrievalMetrics {

  private static final int CHUNK = 512;

  /**
   * @param precisionAtK mean precision at each k (k capped at rows - 1)
   * @param queryPrecision each query's precision at each k, in row order: what paired comparisons of
   *     two representations of the same rows resample (see {@link PairedBootstrap})
   */
  public record Scores(Map<Integer, Double> precisionAtK, double meanAveragePrecision, double knnAccuracy,
      Map<Integer, float[]> queryPrecision) {}

  private RetrievalMetrics() {}

  /** Rows of {@code vectors} (hamming: 0/1 values) with {@code labels} (small non-negative ints). */
  public static Scores of(float[][] vectors, int[] labels, Metric metric, int[] ks, int knnK) {
    int n = vectors.length;
    if (n < 2) {
      throw new IllegalArgumentException("retrieval needs at least 2 rows, got " + n);
    }
    Totals totals = new Totals(ks, Arrays.stream(labels).max().orElse(0), n);
    try (Distances all = new Distances(vectors, metric)) {
      for (int start = 0; start < n; start += CHUNK) {
        float[][] distances = all.rows(start, Math.min(n, start + CHUNK));
        for (int q = start; q < Math.min(n, start + CHUNK); q++) {
          totals.add(ranking(distances[q - start], q), labels, q, knnK);
        }
      }
    }
    Map<Integer, Double> precision = new LinkedHashMap<>();
    Map<Integer, float[]> byQuery = new LinkedHashMap<>();
    for (int i = 0; i < ks.length; i++) {
      precision.put(ks[i], totals.precisionSums[i] / n);
      byQuery.put(ks[i], totals.queryPrecision[i]);
    }
    return new Scores(precision, totals.apQueries == 0 ? 0 : totals.apSum / totals.apQueries,
        (double) totals.knnCorrect / n, byQuery);
  }

  /** Sums over queries of each score. */
  private static final class Totals {
    private final int[] ks;
    private final int maxLabel;
    private final double[] precisionSums;
    private final float[][] queryPrecision;
    private double apSum;
    private int apQueries;
    private int knnCorrect;

    Totals(int[] ks, int maxLabel, int queries) {
      this.ks = ks;
      this.maxLabel = maxLabel;
      this.precisionSums = new double[ks.length];
      this.queryPrecision = new float[ks.length][queries];
    }

    void add(int[] ranked, int[] labels, int query, int knnK) {
      boolean[] relevant = new boolean[ranked.length];
      int totalRelevant = 0;
      for (int r = 0; r < ranked.length; r++) {
        relevant[r] = labels[ranked[r]] == labels[query];
        totalRelevant += relevant[r] ? 1 : 0;
      }
      for (int i = 0; i < ks.length; i++) {
        double p = precisionAt(relevant, Math.min(ks[i], ranked.length));
        precisionSums[i] += p;
        queryPrecision[i][query] = (float) p;
      }
      if (totalRelevant > 0) {
        apSum += averagePrecision(relevant, totalRelevant);
        apQueries++;
      }
      knnCorrect += vote(ranked, labels, Math.min(knnK, ranked.length), maxLabel) == labels[query] ? 1 : 0;
    }
  }

  private static double precisionAt(boolean[] relevant, int k) {
    int hits = 0;
    for (int r = 0; r < k; r++) {
      hits += relevant[r] ? 1 : 0;
    }
    return k == 0 ? 0 : (double) hits / k;
  }

  private static double averagePrecision(boolean[] relevant, int totalRelevant) {
    double sum = 0;
    int hits = 0;
    for (int r = 0; r < relevant.length; r++) {
      if (relevant[r]) {
        hits++;
        sum += (double) hits / (r + 1);
      }
    }
    return sum / totalRelevant;
  }

  private static int vote(int[] ranked, int[] labels, int k, int maxLabel) {
    int[] votes = new int[maxLabel + 1];
    int best = -1;
    for (int r = 0; r < k; r++) {
      votes[labels[ranked[r]]]++;
    }
    for (int r = 0; r < k; r++) {
      int label = labels[ranked[r]];
      if (best < 0 || votes[label] > votes[best]) {
        best = label;
      }
    }
    return best;
  }

  /** The {@code k} nearest other rows of each of {@code queries}, nearest first (ties by row index). */
  public static int[][] nearest(float[][] vectors, Metric metric, int[] queries, int k) {
    int[][] out = new int[queries.length][];
    try (Distances all = new Distances(vectors, metric)) {
      for (int i = 0; i < queries.length; i++) {
        int[] ranked = ranking(all.rows(queries[i], queries[i] + 1)[0], queries[i]);
        out[i] = Arrays.copyOf(ranked, Math.min(k, ranked.length));
      }
    }
    return out;
  }

  /** Every other row, nearest first. */
  private static int[] ranking(float[] distances, int self) {
    Integer[] order = new Integer[distances.length - 1];
    for (int j = 0, o = 0; j < distances.length; j++) {
      if (j != self) {
        order[o++] = j;
      }
    }
    Arrays.sort(order, (a, b) -> distances[a] != distances[b] ? Float.compare(distances[a], distances[b]) : Integer.compare(a, b));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  /** Distances from some rows to every row, through one matrix multiplication per chunk of rows. */
  static final class Distances implements AutoCloseable {
    private final Metric metric;
    private final float[] norms;
    private final INDArray all;

    Distances(float[][] vectors, Metric metric) {
      this.metric = metric;
      float[][] rows = metric == Metric.COSINE ? normalize(vectors) : vectors;
      this.norms = new float[rows.length];
      for (int i = 0; i < rows.length; i++) {
        for (float v : rows[i]) {
          norms[i] += v * v;
        }
      }
      this.all = Nd4j.create(rows);
    }

    /** Rows [from, to) against every row. */
    float[][] rows(int from, int to) {
      int n = norms.length;
      try (INDArray some = all.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
          INDArray dots = some.mmul(all.transpose())) {
        float[][] out = dots.toFloatMatrix();
        for (int q = 0; q < out.length; q++) {
          for (int j = 0; j < n; j++) {
            float squared = Math.max(0f, norms[q + from] + norms[j] - 2 * out[q][j]);
            out[q][j] = switch (metric) {
              case COSINE -> norms[q + from] == 0 || norms[j] == 0 ? 1f : 1f - out[q][j];
              case EUCLIDEAN -> (float) Math.sqrt(squared);
              case HAMMING -> Math.round(squared);
            };
          }
        }
        return out;
      }
    }

    @Override
    public void close() {
      all.close();
    }
  }

  private static float[][] normalize(float[][] vectors) {
    float[][] out = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      double norm = 0;
      for (float v : vectors[i]) {
        norm += v * v;
      }
      out[i] = vectors[i].clone();
      if (norm > 0) {
        for (int j = 0; j < out[i].length; j++) {
          out[i][j] /= (float) Math.sqrt(norm);
        }
      }
    }
    return out;
  }
}
