package io.latentforge.config;

/** Clustering of codes; see {@code cluster} in conf/latentforge.conf. */
public record ClusterSettings(int k, Algorithm algorithm, int maxIterations, long seed) {

  public enum Algorithm {
    KMEANS, BISECTING
  }
}
