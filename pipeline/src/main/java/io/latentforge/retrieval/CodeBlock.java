package io.latentforge.retrieval;

import io.latentforge.config.Metric;
import java.io.Serializable;
import java.util.List;

/**
 * A block of codes laid out for one matrix multiplication: ids, values row-major (unit length for
 * cosine), squared norms (for euclidean), or packed bits (for hamming).
 */
final class CodeBlock implements Serializable {

  final long key;
  final String[] ids;
  final int dim;
  final float[] values;
  final float[] squaredNorms;
  final int words;
  final long[] bits;

  private CodeBlock(long key, String[] ids, int dim, float[] values, float[] squaredNorms, int words, long[] bits) {
    this.key = key;
    this.ids = ids;
    this.dim = dim;
    this.values = values;
    this.squaredNorms = squaredNorms;
    this.words = words;
    this.bits = bits;
  }

  int rows() {
    return ids.length;
  }

  /** {@code key} names the block in the merge. */
  static CodeBlock of(long key, List<Code> codes, Metric metric) {
    int n = codes.size();
    String[] ids = new String[n];
    if (metric == Metric.HAMMING) {
      int words = n == 0 ? 0 : (codes.get(0).bits().length + 7) / 8;
      long[] bits = new long[n * words];
      for (int i = 0; i < n; i++) {
        ids[i] = codes.get(i).id();
        pack(codes.get(i).bits(), bits, i * words);
      }
      return new CodeBlock(key, ids, 0, null, null, words, bits);
    }
    int dim = n == 0 ? 0 : codes.get(0).values().length;
    float[] values = new float[n * dim];
    float[] squaredNorms = new float[n];
    for (int i = 0; i < n; i++) {
      ids[i] = codes.get(i).id();
      float[] code = codes.get(i).values();
      if (code.length != dim) {
        throw new IllegalArgumentException("code of " + ids[i] + " has " + code.length + " values, others " + dim);
      }
      double norm = 0;
      for (int j = 0; j < dim; j++) {
        values[i * dim + j] = code[j];
        norm += (double) code[j] * code[j];
      }
      squaredNorms[i] = (float) norm;
      if (metric == Metric.COSINE && norm > 0) {
        float scale = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < dim; j++) {
          values[i * dim + j] *= scale;
        }
      }
    }
    return new CodeBlock(key, ids, dim, values, squaredNorms, 0, null);
  }

  /**
   * Values already laid out by {@link #of} (unit length for cosine), e.g. read back from an index:
   * their distances are then exactly those exact search computes.
   */
  static CodeBlock laidOut(long key, String[] ids, int dim, float[] values) {
    float[] squaredNorms = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      double norm = 0;
      for (int j = 0; j < dim; j++) {
        norm += (double) values[i * dim + j] * values[i * dim + j];
      }
      squaredNorms[i] = (float) norm;
    }
    return new CodeBlock(key, ids, dim, values, squaredNorms, 0, null);
  }

  /** This block's float codes with its rows in {@code order}. */
  CodeBlock permuted(int[] order) {
    String[] movedIds = new String[order.length];
    float[] movedValues = new float[order.length * dim];
    float[] movedNorms = new float[order.length];
    for (int i = 0; i < order.length; i++) {
      movedIds[i] = ids[order[i]];
      System.arraycopy(values, order[i] * dim, movedValues, i * dim, dim);
      movedNorms[i] = squaredNorms[order[i]];
    }
    return new CodeBlock(key, movedIds, dim, movedValues, movedNorms, 0, null);
  }

  /** Row {@code i}'s values. */
  float[] row(int i) {
    return java.util.Arrays.copyOfRange(values, i * dim, (i + 1) * dim);
  }

  /** Big-endian: the first byte lands in the high bits of the first word, as code_bits packs codes. */
  private static void pack(byte[] bytes, long[] into, int offset) {
    for (int b = 0; b < bytes.length; b++) {
      into[offset + b / 8] |= (bytes[b] & 0xFFL) << (56 - 8 * (b % 8));
    }
  }

  /** The exact distance between row {@code i} of this block and row {@code j} of {@code other}, in double. */
  double distance(int i, CodeBlock other, int j, Metric metric) {
    if (metric == Metric.HAMMING) {
      int d = 0;
      for (int w = 0; w < words; w++) {
        d += Long.bitCount(bits[i * words + w] ^ other.bits[j * words + w]);
      }
      return d;
    }
    double sum = 0;
    for (int c = 0; c < dim; c++) {
      double a = values[i * dim + c];
      double b = other.values[j * dim + c];
      sum += metric == Metric.COSINE ? a * b : (a - b) * (a - b);
    }
    if (metric == Metric.COSINE) {
      return squaredNorms[i] == 0 || other.squaredNorms[j] == 0 ? 1.0 : 1.0 - sum;
    }
    return Math.sqrt(sum);
  }
}
