package io.latentforge.run;

import io.latentforge.cluster.ClusterFigures;
import io.latentforge.eval.Evaluation;
import io.latentforge.retrieval.IndexFigures;
import io.latentforge.retrieval.NeighborFigures;

/**
 * What the steps after publishing found, each as metrics.json records it; a step that did not run
 * is null.
 */
public record AfterPublishing(NeighborFigures neighbors, ClusterFigures clustering, Evaluation.Result evaluation,
    String report, IndexFigures index) {

  public static final AfterPublishing NONE = new AfterPublishing(null, null, null, null, null);

  AfterPublishing withNeighbors(NeighborFigures n) {
    return new AfterPublishing(n, clustering, evaluation, report, index);
  }

  AfterPublishing withClustering(ClusterFigures c) {
    return new AfterPublishing(neighbors, c, evaluation, report, index);
  }

  AfterPublishing withEvaluation(Evaluation.Result e) {
    return new AfterPublishing(neighbors, clustering, e, report, index);
  }

  AfterPublishing withReport(String r) {
    return new AfterPublishing(neighbors, clustering, evaluation, r, index);
  }

  AfterPublishing withIndex(IndexFigures i) {
    return new AfterPublishing(neighbors, clustering, evaluation, report, i);
  }

  /** How tonight's neighbour step searches: through the index the run built, when it published one. */
  io.latentforge.retrieval.NeighborSearch.Method neighborMethod() {
    return index != null && index.published() ? io.latentforge.retrieval.NeighborSearch.Method.INDEX
        : io.latentforge.retrieval.NeighborSearch.Method.EXACT;
  }
}
