package io.latentforge.retrieval;

import io.latentforge.config.Metric;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Nearest neighbours of one block of queries within one block of codes. Cosine and euclidean take
 * one BLAS matrix multiplication for the whole block pair; the few candidates that pass a list's
 * bound get their exact distance in double. Hamming XORs packed words and counts bits.
 */
final class BlockKernel {

  /** Float rounding of the multiplied distances; candidates within it of the bound are checked exactly. */
  private static final double SLACK = 1e-4;

  private BlockKernel() {}

  static void search(CodeBlock queries, CodeBlock codes, Metric metric, TopK into) {
    if (queries.rows() == 0 || codes.rows() == 0) {
      return;
    }
    if (metric == Metric.HAMMING) {
      hamming(queries, codes, into);
      return;
    }
    float[] dots = dots(queries, codes);
    int n = codes.rows();
    boolean cosine = metric == Metric.COSINE;
    for (int q = 0; q < queries.rows(); q++) {
      float threshold = threshold(into.bound(q), cosine);
      int row = q * n;
      int c = -1;
      while ((c = cosine ? nextAtLeast(dots, row, n, c + 1, threshold)
          : nextWithin(dots, row, n, c + 1, threshold, queries.squaredNorms[q], codes.squaredNorms)) < n) {
        if (!queries.ids[q].equals(codes.ids[c])) {
          into.offer(q, queries.distance(q, codes, c, metric), codes.ids[c]);
          threshold = threshold(into.bound(q), cosine);
        }
      }
    }
  }

  /** The first column from {@code from} whose dot product is at least {@code threshold}, or n. */
  private static int nextAtLeast(float[] dots, int row, int n, int from, float threshold) {
    for (int c = from; c < n; c++) {
      if (dots[row + c] >= threshold) {
        return c;
      }
    }
    return n;
  }

  /** The first column from {@code from} within squared distance {@code threshold}, or n. */
  private static int nextWithin(float[] dots, int row, int n, int from, float threshold, float qq, float[] norms) {
    for (int c = from; c < n; c++) {
      if (qq + norms[c] - 2 * dots[row + c] <= threshold) {
        return c;
      }
    }
    return n;
  }

  /** A list's bound, widened by the float rounding of the product, in the product's terms. */
  private static float threshold(double bound, boolean cosine) {
    if (bound == Double.POSITIVE_INFINITY) {
      return cosine ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    double widened = bound + SLACK * (1 + bound);
    return (float) (cosine ? 1.0 - widened : widened * widened);
  }

  /** Each task thread's buffer for the products, reused across block pairs (they are megabytes). */
  private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

  /** queries x codes^T, row-major, in this thread's buffer. */
  private static float[] dots(CodeBlock queries, CodeBlock codes) {
    int size = queries.rows() * codes.rows();
    float[] out = BUFFER.get();
    if (out.length < size) {
      out = new float[size];
      BUFFER.set(out);
    }
    try (INDArray a = Nd4j.create(queries.values, new long[] {queries.rows(), queries.dim}, 'c');
        INDArray b = Nd4j.create(codes.values, new long[] {codes.rows(), codes.dim}, 'c');
        INDArray product = Nd4j.createUninitialized(DataType.FLOAT, new long[] {queries.rows(), codes.rows()}, 'c')) {
      Nd4j.gemm(a, b, product, false, true, 1.0, 0.0);
      // A bulk copy through a native buffer view: several times faster than DataBuffer.asFloat().
      product.data().asNioFloat().get(out, 0, size);
    }
    return out;
  }

  private static void hamming(CodeBlock queries, CodeBlock codes, TopK into) {
    for (int q = 0; q < queries.rows(); q++) {
      double bound = into.bound(q);
      for (int c = 0; c < codes.rows(); c++) {
        double d = queries.distance(q, codes, c, Metric.HAMMING);
        if (d <= bound && !queries.ids[q].equals(codes.ids[c])) {
          into.offer(q, d, codes.ids[c]);
          bound = into.bound(q);
        }
      }
    }
  }
}
