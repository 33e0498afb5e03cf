package io.latentforge.run;

import io.latentforge.cluster.ClusterFigures;
import io.latentforge.eval.Evaluation;
import io.latentforge.retrieval.NeighborFigures;

/**
 * What the steps after publishing found, each as metrics.json records it; a step that did not run
 * is null.
 */
public record AfterPublishing(NeighborFigures neighbors, ClusterFigures clustering, Evaluation.Result evaluation,
    String report) {

  public static final AfterPublishing NONE = new AfterPublishing(null, null, null, null);

  AfterPublishing withNeighbors(NeighborFigures n) {
    return new AfterPublishing(n, clustering, evaluation, report);
  }

  AfterPublishing withClustering(ClusterFigures c) {
    return new AfterPublishing(neighbors, c, evaluation, report);
  }

  AfterPublishing withEvaluation(Evaluation.Result e) {
    return new AfterPublishing(neighbors, clustering, e, report);
  }

  AfterPublishing withReport(String r) {
    return new AfterPublishing(neighbors, clustering, evaluation, r);
  }
}
