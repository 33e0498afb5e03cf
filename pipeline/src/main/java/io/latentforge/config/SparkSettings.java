package io.latentforge.config;

/** How the job's SparkSession is built when the launcher has not already decided. */
public record SparkSettings(String master, int shufflePartitions) {}
