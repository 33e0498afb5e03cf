package io.latentforge.retrieval;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The k nearest neighbours found so far for each of a block's queries, each list sorted by
 * distance and then neighbour id, so that results do not depend on the order blocks are merged in.
 */
final class TopK implements Serializable {

  final String[] queries;
  final int k;
  private final String[] ids;
  private final double[] distances;
  private final int[] sizes;

  TopK(String[] queries, int k) {
    this.queries = queries;
    this.k = k;
    this.ids = new String[queries.length * k];
    this.distances = new double[queries.length * k];
    this.sizes = new int[queries.length];
  }

  int size(int query) {
    return sizes[query];
  }

  String id(int query, int rank) {
    return ids[query * k + rank];
  }

  double distance(int query, int rank) {
    return distances[query * k + rank];
  }

  /** The distance a candidate must not exceed to enter the list. */
  double bound(int query) {
    return sizes[query] < k ? Double.POSITIVE_INFINITY : distances[query * k + k - 1];
  }

  void offer(int query, double distance, String id) {
    int base = query * k;
    int size = sizes[query];
    if (size == k && !before(distance, id, distances[base + k - 1], ids[base + k - 1])) {
      return;
    }
    int at = size;
    while (at > 0 && before(distance, id, distances[base + at - 1], ids[base + at - 1])) {
      at--;
    }
    // The same neighbour offered twice (from two hash tables) has the same distance: it sits just before.
    if (at > 0 && distances[base + at - 1] == distance && ids[base + at - 1].equals(id)) {
      return;
    }
    int last = Math.min(size, k - 1);
    System.arraycopy(distances, base + at, distances, base + at + 1, last - at);
    System.arraycopy(ids, base + at, ids, base + at + 1, last - at);
    distances[base + at] = distance;
    ids[base + at] = id;
    sizes[query] = Math.min(k, size + 1);
  }

  private static boolean before(double d, String id, double otherD, String otherId) {
    return d < otherD || (d == otherD && id.compareTo(otherId) < 0);
  }

  /** Both lists hold the same queries in the same order; the result is this one, updated. */
  TopK merge(TopK other) {
    if (!Arrays.equals(queries, other.queries)) {
      throw new IllegalStateException("merging neighbour lists of different queries");
    }
    for (int q = 0; q < queries.length; q++) {
      for (int r = 0; r < other.sizes[q]; r++) {
        offer(q, other.distances[q * k + r], other.ids[q * k + r]);
      }
    }
    return this;
  }
}
