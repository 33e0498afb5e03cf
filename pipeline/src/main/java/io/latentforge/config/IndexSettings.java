package io.latentforge.config;

/**
 * HNSW indexes of the code partitions; see {@code index} in conf/latentforge.conf.
 *
 * @param shardRows codes per shard, about (one graph per shard, built in parallel)
 * @param m graph neighbours per node (Lucene's maxConn)
 * @param efConstruction candidates considered while inserting a node (Lucene's beamWidth)
 * @param efSearch candidates kept while searching (at least k + 1); null: auto, chosen by each build's recall
 * @param recallQueries queries on which each build measures recall against exact search
 * @param minRecall an index measured below it is not published
 * @param minRows the nightly step skips partitions of fewer codes (the {@code index} command does not)
 * @param buildThreads threads building one shard's graph; null: auto, the cores the shards leave idle
 */
public record IndexSettings(int shardRows, int m, int efConstruction, Integer efSearch, int recallQueries,
    double minRecall, long minRows, Integer buildThreads) {

  /** Lucene's limits for maxConn and beamWidth. */
  static final int MAX_M = 512;
  static final int MAX_EF_CONSTRUCTION = 3200;
  private static final int MAX_BUILD_THREADS = 256;

  /** The {@code index} section. */
  static IndexSettings from(ConfigReader r) {
    return new IndexSettings(r.intAtLeast("shard-rows", 1), r.intBetween("m", 2, MAX_M),
        r.intBetween("ef-construction", 1, MAX_EF_CONSTRUCTION), r.isAuto("ef-search") ? null : r.intAtLeast("ef-search", 1),
        r.intAtLeast("recall-queries", 0), r.fractionOrZero("min-recall"), r.longAtLeast("min-rows", 0),
        r.isAuto("build-threads") ? null : r.intBetween("build-threads", 1, MAX_BUILD_THREADS));
  }
}
