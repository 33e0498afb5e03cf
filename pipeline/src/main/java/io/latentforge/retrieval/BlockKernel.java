package io.latentforge.retrieval;

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
    for (int q = 0; q < queries.rows(); q++) {
      double bound = into.bound(q);
      float qq = queries.squaredNorms[q];
      for (int c = 0; c < n; c++) {
        float dot = dots[q * n + c];
        double approx = metric == Metric.COSINE ? 1.0 - dot : Math.sqrt(Math.max(0f, qq + codes.squaredNorms[c] - 2 * dot));
        if (approx <= bound + SLACK * (1 + bound) && !queries.ids[q].equals(codes.ids[c])) {
          into.offer(q, queries.distance(q, codes, c, metric), codes.ids[c]);
          bound = into.bound(q);
        }
      }
    }
  }

  /** queries x codes^T, row-major. */
  private static float[] dots(CodeBlock queries, CodeBlock codes) {
    INDArray a = Nd4j.create(queries.values, new long[] {queries.rows(), queries.dim}, 'c');
    INDArray b = Nd4j.create(codes.values, new long[] {codes.rows(), codes.dim}, 'c');
    INDArray product = Nd4j.gemm(a, b, false, true);
    float[] out = product.dup('c').data().asFloat();
    a.close();
    b.close();
    product.close();
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
