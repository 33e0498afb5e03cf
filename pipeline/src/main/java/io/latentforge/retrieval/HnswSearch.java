package io.latentforge.retrieval;

import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.config.IndexSettings;
import io.latentforge.config.Metric;
import io.latentforge.config.NeighborSettings;
import io.latentforge.fs.PortableConfiguration;
import io.latentforge.schema.Columns;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * HNSW indexes of code partitions on Spark: built one shard per task (Lucene's HNSW graph), and
 * searched by every pair of a query block and a shard, each query's per-shard lists merged as
 * exact search merges its blocks, so the output table and its tie rule are exact search's.
 */
public final class HnswSearch {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HnswSearch.class);
  private static final String SHARD = "shard-%05d";
  /** ef-search of an auto index whose recall was not measured. */
  static final int DEFAULT_EF_SEARCH = 100;
  private static final String ATTEMPTS = "_attempts";

  private HnswSearch() {}

  /** What a build wrote: the manifest (without recall yet) of the shards under the partition directory. */
  public record Built(IndexManifest manifest, double seconds, int threads) {}

  /**
   * An order-independent checksum of a code partition: the XOR of a 64-bit hash of every row's id
   * and code, as 16 hex digits.
   */
  public static String checksum(Dataset<Row> codes) {
    Row sum = codes.agg(bit_xor(xxhash64(col(Columns.ID), col(Columns.CODE)))).first();
    return String.format(Locale.ROOT, "%016x", sum.isNullAt(0) ? 0L : sum.getLong(0));
  }

  /**
   * Builds the index of {@code codes} ({@code id, code}; {@code rows} of them) into the directory
   * {@code partition}: about {@code rows / shard-rows} shards, split by a hash of the id, each built
   * by one task into a local directory and then copied there.
   */
  public static Built build(SparkSession spark, Dataset<Row> codes, long rows, Metric metric, IndexSettings settings,
      Path partition, String modelId, String checksum) {
    long start = System.nanoTime();
    int shards = (int) Math.max(1, (rows + settings.shardRows() - 1) / settings.shardRows());
    PortableConfiguration conf = new PortableConfiguration(spark.sparkContext().hadoopConfiguration());
    String attempts = new Path(partition, ATTEMPTS).toString();
    int m = settings.m();
    int efConstruction = settings.efConstruction();
    int threads = settings.buildThreads() != null ? settings.buildThreads() : autoThreads(spark, shards);
    LOG.info("building {} HNSW shard(s) of about {} codes, each graph on {} thread(s) (index.build-threads)", shards,
        (rows + shards - 1) / shards, threads);
    List<ShardWritten> written = NeighborSearch.columns(codes, metric)
        .repartition(shards, xxhash64(col(Columns.ID))).sortWithinPartitions(Columns.ID).javaRDD()
        .mapPartitionsWithIndex((shard, it) -> buildShard(shard, it, metric, m, efConstruction, threads, conf, attempts), true)
        .collect();
    List<IndexManifest.Shard> list = new ArrayList<>();
    try {
      FileSystem fs = partition.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // Tasks write under their attempt's name; only the attempts Spark kept become shards.
      for (ShardWritten shard : written) {
        String name = String.format(Locale.ROOT, SHARD, shard.shard);
        if (!fs.rename(new Path(shard.dir), new Path(partition, name))) {
          throw new IOException("cannot rename " + shard.dir + " to " + name);
        }
        list.add(new IndexManifest.Shard(name, shard.rows));
      }
      fs.delete(new Path(attempts), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish the HNSW shards under " + partition, e);
    }
    list.sort(java.util.Comparator.comparing(IndexManifest.Shard::name));
    int dim = written.isEmpty() ? 0 : written.get(0).dim;
    IndexManifest manifest = new IndexManifest(IndexManifest.FORMAT_VERSION, null, null, Instant.now().toString(),
        modelId, rows, checksum, metric.key(), HnswShard.similarity(metric).name().toLowerCase(Locale.ROOT), dim,
        settings.m(), settings.efConstruction(), settings.efSearch() == null ? DEFAULT_EF_SEARCH : settings.efSearch(), list,
        null);
    return new Built(manifest, (System.nanoTime() - start) / 1e9, threads);
  }

  /**
   * Threads per shard build: the cores that the shard tasks leave idle (one shard on 2 cores: 2),
   * at most an executor's cores ({@code spark.executor.cores}; 1 when unset outside local mode).
   */
  static int autoThreads(SparkSession spark, int shards) {
    int parallelism = spark.sparkContext().defaultParallelism();
    int executorCores = spark.sparkContext().isLocal() ? parallelism
        : spark.sparkContext().getConf().getInt("spark.executor.cores", 1);
    return Math.max(1, Math.min(parallelism / shards, executorCores));
  }

  private static java.util.Iterator<ShardWritten> buildShard(int shard,
      java.util.Iterator<Row> rows, Metric metric, int m, int efConstruction, int threads, PortableConfiguration conf,
      String attempts)
      throws IOException {
    List<Code> codes = new ArrayList<>();
    rows.forEachRemaining(row -> codes.add(Code.of(row, metric)));
    if (codes.isEmpty()) {
      return java.util.Collections.emptyIterator();
    }
    java.nio.file.Path local = Files.createTempDirectory("latentforge-hnsw-build-");
    try {
      CodeBlock block = CodeBlock.of(shard, codes, metric);
      HnswShard.build(block, metric, m, efConstruction, threads, local);
      Path target = new Path(attempts, String.format(Locale.ROOT, SHARD, shard) + "-" + TaskContext.get().taskAttemptId());
      FileSystem fs = target.getFileSystem(conf.get());
      fs.delete(target, true);
      fs.copyFromLocalFile(false, true, new Path(local.toUri()), target);
      return List.of(new ShardWritten(shard, block.rows(), block.dim, target.toString())).iterator();
    } finally {
      HnswShard.deleteTree(local);
    }
  }

  /**
   * The top-k neighbours of {@code queries} ({@code id, code}) through the index at
   * {@code partition}, as exact search writes them. {@code searchNanos}, when given, adds up the
   * tasks' time in the graphs.
   */
  public static NeighborSearch.Result search(SparkSession spark, Path partition, IndexManifest manifest,
      Dataset<Row> queries, NeighborSettings settings, int efSearch, LongAccumulator searchNanos) {
    Metric metric = HnswIndex.metric(manifest);
    long rows = queries.count();
    NeighborSettings asIndexed = new NeighborSettings(settings.k(), metric,
        queryBlockRows(rows, settings.blockRows(), manifest.shards().size(), spark.sparkContext().defaultParallelism()),
        settings.approximate(), settings.seed());
    int k = settings.k();
    int ef = Math.max(efSearch, k + 1);
    PortableConfiguration conf = new PortableConfiguration(spark.sparkContext().hadoopConfiguration());
    List<String> shardDirs = manifest.shards().stream().map(s -> new Path(partition, s.name()).toString()).toList();
    String version = manifest.runId() + "/" + manifest.created();
    JavaRDD<CodeBlock> queryBlocks = NeighborSearch.blocks(queries, rows, asIndexed, 1)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<String> shards = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(shardDirs, Math.max(1, shardDirs.size()));
    // Shards outermost: consecutive tasks search the same shard, which an executor then opens once.
    JavaRDD<TopK> lists = shards.cartesian(queryBlocks)
        .mapToPair(pair -> {
          TopK top = new TopK(pair._2.ids, k);
          HnswShard shard = OpenShards.get(conf, pair._1, version, metric);
          long t = System.nanoTime();
          shard.search(pair._2, ef, top);
          if (searchNanos != null) {
            searchNanos.add(System.nanoTime() - t);
          }
          return new Tuple2<>(pair._2.key, top);
        })
        .reduceByKey(TopK::merge)
        .values();
    try {
      return NeighborSearch.materialize(spark, lists);
    } finally {
      queryBlocks.unpersist();
    }
  }

  /**
   * Rows per query block: at most {@code blockRows}, and as many blocks as make the tasks (a shard
   * and a block each) a multiple of the cores, so that none idles through the last round.
   */
  static int queryBlockRows(long rows, int blockRows, int shards, int cores) {
    int step = cores / gcd(cores, Math.max(1, shards));
    long blocks = Math.max(1, (rows + blockRows - 1) / blockRows);
    blocks = (blocks + step - 1) / step * step;
    return (int) Math.max(1, (rows + blocks - 1) / blocks);
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /**
   * Shards opened in this JVM (an executor's tasks share them), by directory and index version, so
   * a republished index is opened afresh. The least recently used beyond {@link #MAX_OPEN} is dropped.
   */
  static final class OpenShards {

    private static final int MAX_OPEN = 8;
    private static final Map<String, Opened> OPEN = new LinkedHashMap<>(16, 0.75f, true);

    private record Opened(HnswShard shard, java.nio.file.Path copy) {}

    private OpenShards() {}

    static synchronized HnswShard get(PortableConfiguration conf, String dir, String version, Metric metric) {
      String key = dir + "@" + version;
      Opened opened = OPEN.get(key);
      if (opened == null) {
        Configuration hadoop = conf.get();
        HnswIndex.Local local = HnswIndex.local(hadoop, new Path(dir));
        opened = new Opened(HnswShard.open(local.dir(), metric, 0), local.copy() ? local.dir().getParent() : null);
        OPEN.put(key, opened);
        if (OPEN.size() > MAX_OPEN) {
          String eldest = OPEN.keySet().iterator().next();
          // Not closed: a task may still be searching it; the collector unmaps it once no task does.
          Opened evicted = OPEN.remove(eldest);
          if (evicted.copy() != null) {
            HnswShard.deleteTree(evicted.copy());
          }
        }
      }
      return opened.shard();
    }
  }

  /** What a build task wrote. A class, not a record: Kryo cannot set a record's fields. */
  static final class ShardWritten implements Serializable {
    final int shard;
    final long rows;
    final int dim;
    final String dir;

    ShardWritten(int shard, long rows, int dim, String dir) {
      this.shard = shard;
      this.rows = rows;
      this.dim = dim;
      this.dir = dir;
    }
  }
}
