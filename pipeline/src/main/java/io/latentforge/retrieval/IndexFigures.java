package io.latentforge.retrieval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An index build as {@code metrics.json} and the index manifest record it.
 *
 * @param status published | below_min_recall (built, measured, not published) | skipped (not built)
 * @param reason why it was not published or not built
 * @param recallAtK the share of exact search's k neighbours the index found, over {@code recallQueries} codes
 * @param queriesPerSecond the recall queries answered per second of the tasks' search time (one core's rate)
 * @param buildThreads the threads that built each shard's graph (index.build-threads)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record IndexFigures(@JsonProperty("status") String status, @JsonProperty("reason") String reason,
    @JsonProperty("metric") String metric, @JsonProperty("rows") Long rows, @JsonProperty("shards") Integer shards,
    @JsonProperty("m") Integer m, @JsonProperty("ef_construction") Integer efConstruction,
    @JsonProperty("ef_search") Integer efSearch, @JsonProperty("k") Integer k,
    @JsonProperty("recall_at_k") Double recallAtK, @JsonProperty("recall_queries") Integer recallQueries,
    @JsonProperty("queries_per_second") Double queriesPerSecond,
    @JsonProperty("build_seconds") Double buildSeconds, @JsonProperty("build_threads") Integer buildThreads) {

  public static final String PUBLISHED = "published";
  public static final String BELOW_MIN_RECALL = "below_min_recall";
  public static final String SKIPPED = "skipped";

  public static IndexFigures skipped(String reason) {
    return new IndexFigures(SKIPPED, reason, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public boolean published() {
    return PUBLISHED.equals(status);
  }

  /** These figures, not published for {@code why}. */
  public IndexFigures belowMinRecall(String why) {
    return new IndexFigures(BELOW_MIN_RECALL, why, metric, rows, shards, m, efConstruction, efSearch, k, recallAtK,
        recallQueries, queriesPerSecond, buildSeconds, buildThreads);
  }
}
