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

  /** The {@code neighbors} section; {@code seed} samples the recall queries and the hyperplanes. */
  static NeighborSettings from(ConfigReader r, long seed) {
    ConfigReader lsh = r.section("approximate");
    return new NeighborSettings(r.intAtLeast("k", 1), r.enumValue("metric", Metric.class),
        r.intBetween("block-rows", 1, 1 << 15),
        new Approximate(lsh.intAtLeast("tables", 1), lsh.intBetween("bits", 0, 30), lsh.intAtLeast("bucket-rows", 2),
            lsh.intAtLeast("recall-queries", 0)),
        seed);
  }
}
