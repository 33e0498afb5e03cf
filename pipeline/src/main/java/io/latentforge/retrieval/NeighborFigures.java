package io.latentforge.retrieval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A neighbour search: its settings, the rows it wrote, and (approximate) its measured recall.
 *
 * @param method exact | lsh (locality-sensitive hashing, {@code approximate}) | hnsw (through the date's index)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NeighborFigures(@JsonProperty("k") int k, @JsonProperty("metric") String metric,
    @JsonProperty("approximate") boolean approximate, @JsonProperty("queries") String queries,
    @JsonProperty("rows") long rows, @JsonProperty("recall_at_k") Double recallAtK,
    @JsonProperty("recall_queries") Integer recallQueries, @JsonProperty("seconds") Double seconds,
    @JsonProperty("method") String method) {

  /** With how long the search took. */
  public NeighborFigures took(double s) {
    return new NeighborFigures(k, metric, approximate, queries, rows, recallAtK, recallQueries, s, method);
  }
}
