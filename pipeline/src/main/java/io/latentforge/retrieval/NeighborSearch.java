package io.latentforge.retrieval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.config.Metric;
import io.latentforge.config.NeighborSettings;
import io.latentforge.schema.Columns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Top-k neighbours of every query among a table of codes, the query itself excluded.
 *
 * <p>Exact search splits queries and codes into blocks and searches every pair of blocks with one
 * matrix multiplication (as MLlib's ALS recommends for all users), then merges each query block's
 * lists. Approximate search hashes codes into buckets with random hyperplanes (cosine, euclidean
 * on centred codes) or sampled bits (hamming), several tables of them, and searches each bucket
 * exactly.
 */
public final class NeighborSearch {

  public static final String QUERY_ID = "query_id";
  public static final String NEIGHBOR_ID = "neighbor_id";
  public static final String RANK = "rank";
  public static final String DISTANCE = "distance";

  public static final StructType SCHEMA = new StructType()
      .add(QUERY_ID, DataTypes.StringType, false)
      .add(NEIGHBOR_ID, DataTypes.StringType, false)
      .add(RANK, DataTypes.IntegerType, false)
      .add(DISTANCE, DataTypes.DoubleType, false);

  /**
   * Code blocks a task searches one query block against, carrying its lists across them: the
   * lists' bounds tighten, so few candidates reach the exact check after the first blocks.
   */
  private static final int BLOCKS_PER_CHUNK = 16;

  private NeighborSearch() {}

  /** How neighbours are found: exact search, locality-sensitive hashing, or the date's HNSW index. */
  public enum Method {
    EXACT, LSH, INDEX;

    public String key() {
      return this == INDEX ? "hnsw" : name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Neighbour rows, persisted and counted; {@link #release()} when written. */
  public record Result(Dataset<Row> rows, long count) {
    public void release() {
      rows.unpersist();
    }
  }

  /** Rows {@code id, code[, code_bits]} for both; hamming needs {@code code_bits}. */
  public static Result exact(SparkSession spark, Dataset<Row> codes, Dataset<Row> queries, NeighborSettings settings) {
    Metric metric = settings.metric();
    long codeRows = codes.count();
    long queryRows = queries == codes ? codeRows : queries.count();
    JavaRDD<CodeBlock> queryBlocks = blocks(queries, queryRows, settings, 1).persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<List<CodeBlock>> codeChunks = blocks(codes, codeRows, settings, BLOCKS_PER_CHUNK).glom()
        .persist(StorageLevel.MEMORY_AND_DISK());
    int k = settings.k();
    JavaRDD<TopK> lists = queryBlocks.cartesian(codeChunks)
        .mapToPair(pair -> {
          TopK top = new TopK(pair._1.ids, k);
          for (CodeBlock block : pair._2) {
            BlockKernel.search(pair._1, block, metric, top);
          }
          return new Tuple2<>(pair._1.key, top);
        })
        .reduceByKey(TopK::merge)
        .values();
    try {
      return materialize(spark, lists);
    } finally {
      queryBlocks.unpersist();
      codeChunks.unpersist();
    }
  }

  /** Every row of {@code codes} queries the others, through {@link Lsh} buckets. */
  public static Result approximate(SparkSession spark, Dataset<Row> codes, NeighborSettings settings) {
    Metric metric = settings.metric();
    long rows = codes.count();
    Lsh lsh = Lsh.fit(codes, settings, rows);
    int k = settings.k();
    JavaRDD<TopK> lists = columns(codes, metric).javaRDD()
        .map(row -> Code.of(row, metric))
        .flatMapToPair(code -> lsh.keys(code).stream().map(key -> new Tuple2<>(key, code)).iterator())
        .groupByKey()
        .flatMapToPair(bucket -> {
          List<Code> members = new ArrayList<>();
          bucket._2.forEach(members::add);
          CodeBlock block = CodeBlock.of(0, members, metric);
          TopK top = new TopK(block.ids, k);
          BlockKernel.search(block, block, metric, top);
          return split(top).iterator();
        })
        .reduceByKey(TopK::merge)
        .values();
    return materialize(spark, lists);
  }

  /**
   * The share of exact neighbours that approximate search found, over {@code recallQueries}
   * queries chosen by hashing ids with the seed.
   */
  public static double recall(SparkSession spark, Dataset<Row> codes, Result approximate, NeighborSettings settings) {
    Result exact = exact(spark, codes, recallSample(codes, settings.seed(), settings.approximate().recallQueries()),
        settings);
    try {
      return recall(exact, approximate);
    } finally {
      exact.release();
    }
  }

  /** {@code n} codes chosen by hashing their ids with {@code seed}: the queries recall is measured on. */
  public static Dataset<Row> recallSample(Dataset<Row> codes, long seed, int n) {
    return codes.orderBy(xxhash64(col(Columns.ID), lit(seed))).limit(n);
  }

  /** The share of {@code exact}'s rows (query and neighbour) that {@code approximate} holds too. */
  public static double recall(Result exact, Result approximate) {
    if (exact.count() == 0) {
      return 1.0;
    }
    long found = exact.rows().join(approximate.rows(),
        scala.collection.JavaConverters.asScalaBuffer(List.of(QUERY_ID, NEIGHBOR_ID)).toSeq()).count();
    return (double) found / exact.count();
  }

  static Dataset<Row> columns(Dataset<Row> codes, Metric metric) {
    return codes.select(col(Columns.ID), col(metric == Metric.HAMMING ? Columns.CODE_BITS : Columns.CODE));
  }

  /** Blocks of at most {@code blockRows} codes, about {@code blocksPerPartition} per partition. */
  static JavaRDD<CodeBlock> blocks(Dataset<Row> codes, long n, NeighborSettings settings,
      int blocksPerPartition) {
    Metric metric = settings.metric();
    int blockRows = settings.blockRows();
    long rowsPerPartition = (long) blockRows * blocksPerPartition;
    int partitions = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (n + rowsPerPartition - 1) / rowsPerPartition));
    return columns(codes, metric).repartition(partitions).javaRDD().mapPartitionsWithIndex((index, rows) -> {
      List<CodeBlock> blocks = new ArrayList<>();
      List<Code> chunk = new ArrayList<>(blockRows);
      while (rows.hasNext()) {
        chunk.add(Code.of(rows.next(), metric));
        if (chunk.size() == blockRows || !rows.hasNext()) {
          blocks.add(CodeBlock.of(((long) index << 32) | blocks.size(), chunk, metric));
          chunk = new ArrayList<>(blockRows);
        }
      }
      return blocks.iterator();
    }, true);
  }

  /** One single-query list per query of a bucket, keyed by query id. */
  private static List<Tuple2<String, TopK>> split(TopK top) {
    List<Tuple2<String, TopK>> out = new ArrayList<>(top.queries.length);
    for (int q = 0; q < top.queries.length; q++) {
      TopK one = new TopK(new String[] {top.queries[q]}, top.k);
      for (int r = 0; r < top.size(q); r++) {
        one.offer(0, top.distance(q, r), top.id(q, r));
      }
      out.add(new Tuple2<>(top.queries[q], one));
    }
    return out;
  }

  static Result materialize(SparkSession spark, JavaRDD<TopK> lists) {
    JavaRDD<Row> rows = lists.flatMap(NeighborSearch::rows);
    Dataset<Row> table = spark.createDataFrame(rows, SCHEMA).persist(StorageLevel.MEMORY_AND_DISK());
    return new Result(table, table.count());
  }

  private static Iterator<Row> rows(TopK top) {
    List<Row> out = new ArrayList<>();
    for (int q = 0; q < top.queries.length; q++) {
      for (int r = 0; r < top.size(q); r++) {
        out.add(RowFactory.create(top.queries[q], top.id(q, r), r + 1, top.distance(q, r)));
      }
    }
    return out.iterator();
  }
}
