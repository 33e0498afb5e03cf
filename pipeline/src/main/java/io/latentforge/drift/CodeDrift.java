package io.latentforge.drift;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.cluster.Clustering;
import io.latentforge.config.NeighborSettings;
import io.latentforge.eval.ClusterMetrics;
import io.latentforge.retrieval.NeighborSearch;
import io.latentforge.schema.Columns;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * How far tonight's codes moved from those of an earlier partition: rows added, removed and kept
 * (by id), the distance a kept row's code moved, its neighbours' overlap and its cluster's
 * stability (see {@link DriftFigures}).
 */
public final class CodeDrift {

  /** Neighbours compared per sampled row. */
  public static final int NEIGHBORS = 10;
  /** Codes whose pairwise distances give the scale the drift is measured in. */
  private static final int PAIR_SAMPLE = 2000;
  private static final String BEFORE = "previous_code";
  private static final String NOW = "current_code";
  private static final String MOVED = "moved";

  private CodeDrift() {}

  /**
   * The partition tonight's codes are compared with.
   *
   * @param clusters its clusters, null when it has none
   */
  public record Previous(String runDate, String modelId, String runId, Dataset<Row> codes, Clusters clusters) {}

  /**
   * A night's clustering of its codes.
   *
   * @param assignments {@code id}, {@code cluster}
   * @param centers {@code cluster}, {@code center}
   */
  public record Clusters(Dataset<Row> assignments, Dataset<Row> centers) {}

  /**
   * Compares tonight's {@code codes} ({@code id}, {@code code}[, {@code code_bits}]) with the
   * previous partition's.
   *
   * @param clusters tonight's clusters, null when there are none
   * @param aligned whether tonight's codes are in the previous partition's code space (then the two
   *     nights' clusters are matched by their centres, otherwise by the rows they share)
   * @param queries kept rows sampled (by id hash with {@code seed}) for the neighbour overlap
   */
  public static DriftFigures compare(SparkSession spark, Previous previous, Dataset<Row> codes, Clusters clusters,
      boolean aligned, NeighborSettings neighbors, int queries) {
    Row ids = previous.codes().select(col(Columns.ID).as("before_id"))
        .join(codes.select(col(Columns.ID).as("now_id")), col("before_id").equalTo(col("now_id")), "full_outer")
        .agg(count(when(col("before_id").isNull(), 1)), count(when(col("now_id").isNull(), 1)),
            count(when(col("before_id").isNotNull().and(col("now_id").isNotNull()), 1)))
        .first();
    long keptRows = ids.getLong(2);
    Map<String, String> skipped = new TreeMap<>();
    Moved moved = null;
    Overlap overlap = null;
    if (keptRows == 0) {
      skipped.put("codes", "no row id is in both partitions");
    } else {
      Dataset<Row> kept = previous.codes().select(col(Columns.ID), col(Columns.CODE).as(BEFORE))
          .join(codes.select(col(Columns.ID), col(Columns.CODE).as(NOW)), Columns.ID)
          .select(col(Columns.ID), expr("sqrt(aggregate(zip_with(" + BEFORE + ", " + NOW
              + ", (x, y) -> (x - y) * (x - y)), 0D, (sum, v) -> sum + v))").as(MOVED))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        moved = new Moved(kept.agg(avg(col(MOVED))).first().getDouble(0),
            kept.stat().approxQuantile(MOVED, new double[] {0.95}, 0.001)[0], meanPairDistance(codes, neighbors.seed()));
        if (keptRows <= NEIGHBORS) {
          skipped.put("neighbor_overlap", keptRows + " kept rows; " + NEIGHBORS + " neighbours need more");
        } else {
          overlap = overlap(spark, previous.codes(), codes, kept.select(Columns.ID), neighbors, queries);
        }
      } finally {
        kept.unpersist();
      }
    }
    Double stability = null;
    if (previous.clusters() == null || clusters == null) {
      skipped.put("cluster_stability", (previous.clusters() == null ? "the previous partition" : "tonight's run")
          + " has no clusters (nightly.steps without cluster)");
    } else {
      stability = stability(previous.clusters(), clusters, aligned);
    }
    boolean scaled = moved != null && moved.scale() > 0;
    return new DriftFigures(previous.runDate(), previous.modelId(), previous.runId(), aligned, ids.getLong(0),
        ids.getLong(1), keptRows, scaled ? moved.mean() / moved.scale() : null,
        scaled ? moved.p95() / moved.scale() : null, moved == null ? null : moved.scale(),
        overlap == null ? null : NEIGHBORS, overlap == null ? null : overlap.queries(),
        overlap == null ? null : overlap.share(), stability,
        stability == null ? null : aligned ? "centres" : "shared rows", null, null, null, null,
        skipped.isEmpty() ? null : Map.copyOf(skipped));
  }

  /** How far kept rows' codes moved: mean and 95th percentile, and the mean distance between two codes. */
  private record Moved(double mean, double p95, double scale) {}

  /** The share of sampled rows' neighbours kept, over {@code queries} sampled rows. */
  private record Overlap(long queries, Double share) {}

  /** Neighbours among the kept rows by each night's codes, for up to {@code queries} of them. */
  private static Overlap overlap(SparkSession spark, Dataset<Row> previous, Dataset<Row> codes, Dataset<Row> keptIds,
      NeighborSettings neighbors, int queries) {
    Dataset<Row> sample = keptIds.orderBy(xxhash64(col(Columns.ID), lit(neighbors.seed()))).limit(queries);
    NeighborSettings nearest = new NeighborSettings(NEIGHBORS, neighbors.metric(), neighbors.blockRows(),
        neighbors.approximate(), neighbors.seed());
    Dataset<Row> before = previous.join(keptIds, Columns.ID);
    Dataset<Row> now = codes.join(keptIds, Columns.ID);
    NeighborSearch.Result then = NeighborSearch.exact(spark, before, before.join(sample, Columns.ID), nearest);
    NeighborSearch.Result tonight = NeighborSearch.exact(spark, now, now.join(sample, Columns.ID), nearest);
    try {
      String[] pair = {NeighborSearch.QUERY_ID, NeighborSearch.NEIGHBOR_ID};
      long stayed = then.rows().selectExpr(pair).intersect(tonight.rows().selectExpr(pair)).count();
      long sampled = then.rows().select(NeighborSearch.QUERY_ID).distinct().count();
      return new Overlap(sampled, then.count() == 0 ? null : (double) stayed / then.count());
    } finally {
      then.release();
      tonight.release();
    }
  }

  /** The mean euclidean distance between two codes, over the pairs of a sample of them. */
  static double meanPairDistance(Dataset<Row> codes, long seed) {
    List<Row> rows = codes.orderBy(xxhash64(col(Columns.ID), lit(seed))).limit(PAIR_SAMPLE).select(Columns.CODE)
        .collectAsList();
    float[][] c = new float[rows.size()][];
    for (int i = 0; i < c.length; i++) {
      List<Float> code = rows.get(i).getList(0);
      c[i] = new float[code.size()];
      for (int j = 0; j < c[i].length; j++) {
        c[i][j] = code.get(j);
      }
    }
    double sum = 0;
    long pairs = 0;
    for (int i = 0; i < c.length; i++) {
      for (int j = i + 1; j < c.length; j++) {
        double d = 0;
        for (int k = 0; k < c[i].length; k++) {
          double diff = c[i][k] - c[j][k];
          d += diff * diff;
        }
        sum += Math.sqrt(d);
        pairs++;
      }
    }
    return pairs == 0 ? 0 : sum / pairs;
  }

  /**
   * The share of rows in both nights whose clusters correspond: clusters matched one to one by
   * their centres (least total squared distance) when {@code byCenters}, which needs both in one
   * code space; otherwise by the matching that keeps the most rows together.
   */
  static double stability(Clusters before, Clusters now, boolean byCenters) {
    List<Row> cells = before.assignments().select(col(Columns.ID), col(Clustering.CLUSTER).as("before"))
        .join(now.assignments().select(col(Columns.ID), col(Clustering.CLUSTER).as("now")), Columns.ID)
        .groupBy("before", "now").count().collectAsList();
    float[][] beforeCenters = centers(before.centers());
    float[][] nowCenters = centers(now.centers());
    long[][] table = new long[beforeCenters.length][nowCenters.length];
    long total = 0;
    for (Row cell : cells) {
      table[((Number) cell.get(0)).intValue()][((Number) cell.get(1)).intValue()] = cell.getLong(2);
      total += cell.getLong(2);
    }
    if (total == 0) {
      return 0;
    }
    if (!byCenters) {
      return (double) ClusterMetrics.matched(table) / total;
    }
    int[] match = ClusterMetrics.matchCenters(beforeCenters, nowCenters);
    long stayed = 0;
    for (int b = 0; b < match.length; b++) {
      stayed += match[b] < 0 ? 0 : table[b][match[b]];
    }
    return (double) stayed / total;
  }

  /** Centres by cluster number. */
  private static float[][] centers(Dataset<Row> centers) {
    List<Row> rows = centers.select(Clustering.CLUSTER, Clustering.CENTER).collectAsList();
    float[][] out = new float[rows.size()][];
    for (Row r : rows) {
      List<Number> center = r.getList(1);
      float[] c = new float[center.size()];
      for (int j = 0; j < c.length; j++) {
        c[j] = center.get(j).floatValue();
      }
      out[((Number) r.get(0)).intValue()] = c;
    }
    return out;
  }
}
