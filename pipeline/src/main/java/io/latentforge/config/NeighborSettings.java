package io.latentforge.config;

/**
 * Nearest-neighbour search; see {@code neighbors} in conf/latentforge.conf.
 *
 * @param blockRows codes per block of the blocked matrix multiplication
 */
public record NeighborSettings(int k, Metric metric, int blockRows, Approximate approximate, long seed) {

  /**
   * Locality-sensitive hashing: {@code tables} hash tables of {@code bits} bits each (0: enough
   * for buckets of about {@code bucketRows} codes); recall measured on {@code recallQueries} queries.
   */
  public record Approximate(int tables, int bits, int bucketRows, int recallQueries) {}
}
