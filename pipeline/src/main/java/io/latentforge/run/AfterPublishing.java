package io.latentforge.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.eval.Evaluation;
import java.util.List;

/**
 * What the steps after publishing found, each as metrics.json records it; a step that did not run
 * is null.
 */
public record AfterPublishing(Neighbors neighbors, Clustering clustering, Evaluation.Result evaluation,
    String report) {

  public static final AfterPublishing NONE = new AfterPublishing(null, null, null, null);

  /** A neighbour search: its settings, the rows it wrote, and (approximate) its measured recall. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Neighbors(@JsonProperty("k") int k, @JsonProperty("metric") String metric,
      @JsonProperty("approximate") boolean approximate, @JsonProperty("queries") String queries,
      @JsonProperty("rows") long rows, @JsonProperty("recall_at_k") Double recallAtK,
      @JsonProperty("recall_queries") Integer recallQueries, @JsonProperty("seconds") Double seconds) {

    Neighbors took(double s) {
      return new Neighbors(k, metric, approximate, queries, rows, recallAtK, recallQueries, s);
    }
  }

  /** A clustering of the codes, or why there was none ({@code skipped}, the other fields null). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Clustering(@JsonProperty("algorithm") String algorithm, @JsonProperty("k") Integer k,
      @JsonProperty("rows") Long rows, @JsonProperty("silhouette") Double silhouette,
      @JsonProperty("sizes") List<Long> sizes, @JsonProperty("skipped") String skipped) {

    static Clustering skipped(String why) {
      return new Clustering(null, null, null, null, null, why);
    }
  }

  AfterPublishing withNeighbors(Neighbors n) {
    return new AfterPublishing(n, clustering, evaluation, report);
  }

  AfterPublishing withClustering(Clustering c) {
    return new AfterPublishing(neighbors, c, evaluation, report);
  }

  AfterPublishing withEvaluation(Evaluation.Result e) {
    return new AfterPublishing(neighbors, clustering, e, report);
  }

  AfterPublishing withReport(String r) {
    return new AfterPublishing(neighbors, clustering, evaluation, r);
  }
}
