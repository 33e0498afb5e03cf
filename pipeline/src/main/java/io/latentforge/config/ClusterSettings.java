package io.latentforge.config;

/** Clustering of codes; see {@code cluster} in conf/latentforge.conf. */
public record ClusterSettings(int k, Algorithm algorithm, int maxIterations, long seed) {

  public enum Algorithm {
    KMEANS, BISECTING
  }

  /** The {@code cluster} section; {@code seed} initializes the clustering. */
  static ClusterSettings from(ConfigReader r, long seed) {
    return new ClusterSettings(r.intAtLeast("k", 2), r.enumValue("algorithm", Algorithm.class),
        r.intAtLeast("max-iterations", 1), seed);
  }
}
