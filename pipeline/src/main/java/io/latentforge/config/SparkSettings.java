package io.latentforge.config;

/**
 * How the job's SparkSession is built when the launcher has not already decided; see the
 * {@code spark} section of conf/latentforge.conf.
 */
public record SparkSettings(String master, int shufflePartitions, boolean kryo, String executorOffHeap,
    String executorPhysical, String executorMemoryOverhead) {

  /** The {@code spark} section. */
  static SparkSettings from(ConfigReader r) {
    return new SparkSettings(r.string("master"), r.intAtLeast("shuffle-partitions", 1), r.bool("kryo"),
        r.byteSize("executor-offheap"), r.byteSize("executor-physical"), r.byteSize("executor-memory-overhead"));
  }
}
