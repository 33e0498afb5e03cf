package io.latentforge.retrieval;

import io.latentforge.config.NeighborSettings;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * An index's recall@k against exact search on sampled codes, and its query rate; with
 * {@code ef-search = auto}, the smallest ef-search of a ladder whose recall reaches the target.
 */
public final class IndexRecall {

  /** ef-search values tried by auto, smallest first (those below k + 1 are skipped). */
  static final int[] LADDER = {16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512};
  /** Auto asks this much more than index.min-recall of the sample, for what the sample does not see. */
  static final double MARGIN = 0.01;

  private IndexRecall() {}

  /**
   * @param queriesPerSecond queries answered per second of the tasks' time in the graphs (one core's rate)
   */
  public record Measured(int efSearch, double recall, int queries, double queriesPerSecond) {}

  /**
   * Searches the index at {@code partition} with {@code efSearch} (null: auto, the first of
   * {@link #LADDER} whose recall reaches {@code minRecall} + {@link #MARGIN}, else the last) for the
   * {@code sample} codes, against exact search among {@code codes}.
   */
  public static Measured measure(SparkSession spark, Dataset<Row> codes, Dataset<Row> sample, Path partition,
      IndexManifest manifest, NeighborSettings settings, Integer efSearch, double minRecall) {
    NeighborSearch.Result exact = NeighborSearch.exact(spark, codes, sample, settings);
    try {
      int queries = (int) sample.count();
      Measured measured = null;
      for (int ef : candidates(efSearch, settings.k())) {
        LongAccumulator nanos = spark.sparkContext().longAccumulator("HNSW search time");
        NeighborSearch.Result found = HnswSearch.search(spark, partition, manifest, sample, settings, ef, nanos);
        try {
          measured = new Measured(ef, NeighborSearch.recall(exact, found), queries,
              nanos.value() == 0 ? 0 : queries / (nanos.value() / 1e9));
        } finally {
          found.release();
        }
        if (measured.recall() >= Math.min(1.0, minRecall + MARGIN)) {
          break;
        }
      }
      return measured;
    } finally {
      exact.release();
    }
  }

  private static List<Integer> candidates(Integer efSearch, int k) {
    if (efSearch != null) {
      return List.of(Math.max(efSearch, k + 1));
    }
    List<Integer> out = new ArrayList<>();
    for (int ef : LADDER) {
      if (ef > k) {
        out.add(ef);
      }
    }
    return out.isEmpty() ? List.of(k + 1) : out;
  }
}
