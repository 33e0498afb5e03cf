package io.latentforge.config;

/**
 * How the job's SparkSession is built when the launcher has not already decided; see the
 * {@code spark} section of conf/latentforge.conf.
 */
public record SparkSettings(String master, int shufflePartitions, boolean kryo, String executorOffHeap,
    String executorPhysical, String executorMemoryOverhead) {}
