package io.latentforge.jobs.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.randn;

import io.latentforge.config.IndexSettings;
import io.latentforge.config.NeighborSettings;
import io.latentforge.retrieval.HnswSearch;
import io.latentforge.retrieval.IndexRecall;
import io.latentforge.retrieval.NeighborSearch;
import io.latentforge.schema.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact all-rows neighbour search on generated gaussian codes: queries/s, and the floating-point
 * rate of its matrix products (2 n^2 d flops) as a share of what this machine's BLAS reaches, on
 * every task slot at once, on large square products and on the search's own block shape. Approximate search is timed beside
 * it, with its recall. {@link #compare} sets exact search, LSH and the HNSW index side by side.
 */
public final class NeighborsBench {

  private final SparkSession spark;
  private final NeighborSettings settings;

  public NeighborsBench(SparkSession spark, NeighborSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * @param peakGflops BLAS rate on 2048^3 float products, every task slot at once
   * @param blockGflops BLAS rate on the search's block shape (block-rows x dim times dim x block-rows)
   */
  public record Figures(long rows, int dim, double exactSeconds, double queriesPerSecond, double gflops,
      double peakGflops, double blockGflops, double approximateSeconds, double recall) {
    public double shareOfPeak() {
      return gflops / peakGflops;
    }

    public double shareOfBlockRate() {
      return gflops / blockGflops;
    }
  }

  public Figures run(long rows, int dim, int repeats) {
    Dataset<Row> codes = codes(rows, dim).persist(StorageLevel.MEMORY_AND_DISK());
    codes.count();
    int slots = spark.sparkContext().defaultParallelism();
    double peak = gemmGflops(2048, 2048, 2048, slots, repeats + 2);
    double block = gemmGflops(settings.blockRows(), dim, settings.blockRows(), slots, repeats * 20);
    double[] exact = new double[repeats];
    double[] approximate = new double[repeats];
    double recall = 0;
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      NeighborSearch.Result result = NeighborSearch.exact(spark, codes, codes, settings);
      exact[r] = (System.nanoTime() - start) / 1e9;
      result.release();
      start = System.nanoTime();
      NeighborSearch.Result lsh = NeighborSearch.approximate(spark, codes, settings);
      approximate[r] = (System.nanoTime() - start) / 1e9;
      if (r == 0) {
        recall = NeighborSearch.recall(spark, codes, lsh, settings);
      }
      lsh.release();
    }
    codes.unpersist();
    double seconds = Median.of(exact);
    double gflops = 2.0 * rows * rows * dim / seconds / 1e9;
    return new Figures(rows, dim, seconds, rows / seconds, gflops, peak, block, Median.of(approximate), recall);
  }

  /** One search method on one code set: build time (index only), search time over the queries, recall@k. */
  public record Method(String name, Double buildSeconds, double searchSeconds, long queries, double recall) {
    public double queriesPerSecond() {
      return queries / searchSeconds;
    }
  }

  /** Exact search, LSH and the HNSW index side by side on one generated code set. */
  public record Comparison(long rows, int dim, String data, List<Method> methods) {}

  /**
   * Exact search and the HNSW index answer the same {@code queries} sampled codes (median of
   * {@code repeats} timings each; the index is built once, then searched with each {@code efSearch});
   * LSH searches every row, as it only can,
   * and its rate is over every row. Recall is against exact search on the sampled queries.
   */
  public Comparison compare(long rows, int dim, boolean clustered, int queries, IndexSettings index,
      List<Integer> efSearch, long indexQueries, boolean withLsh, int repeats, String scratch) {
    Dataset<Row> codes = (clustered ? clustered(rows, dim) : codes(rows, dim)).persist(StorageLevel.MEMORY_AND_DISK());
    codes.count();
    Dataset<Row> sample = NeighborSearch.recallSample(codes, settings.seed(), queries)
        .persist(StorageLevel.MEMORY_AND_DISK());
    long asked = sample.count();
    List<Method> methods = new ArrayList<>();
    NeighborSearch.Result truth = null;
    double[] exact = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      NeighborSearch.Result result = NeighborSearch.exact(spark, codes, sample, settings);
      exact[r] = (System.nanoTime() - start) / 1e9;
      if (truth == null) {
        truth = result;
      } else {
        result.release();
      }
    }
    methods.add(new Method("exact", null, Median.of(exact), asked, 1.0));

    long start = System.nanoTime();
    if (withLsh) {
      NeighborSearch.Result lsh = NeighborSearch.approximate(spark, codes, settings);
      methods.add(new Method("lsh", null, (System.nanoTime() - start) / 1e9, rows, NeighborSearch.recall(truth, lsh)));
      lsh.release();
    }

    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(scratch, "index-" + rows + "-" + System.nanoTime());
    HnswSearch.Built built = HnswSearch.build(spark, codes, rows, settings.metric(), index, dir, "bench",
        HnswSearch.checksum(codes));
    List<Integer> efs = efSearch;
    if (efs == null) {
      Dataset<Row> tuning = NeighborSearch.recallSample(sample, settings.seed(), AUTO_QUERIES);
      efs = List.of(IndexRecall.measure(spark, codes, tuning, dir, built.manifest(), settings, null,
          index.minRecall()).efSearch());
    }
    // The index may be timed on more queries than exact search can answer in reasonable time (every
    // row, as the nightly's neighbour step asks), so its fixed cost per search is spread as it is there.
    Dataset<Row> timed = indexQueries >= rows ? codes : indexQueries <= asked ? sample
        : NeighborSearch.recallSample(codes, settings.seed() + 1, (int) indexQueries).persist(StorageLevel.MEMORY_AND_DISK());
    long timedCount = timed == sample ? asked : timed.count();
    for (int ef : efs) {
      NeighborSearch.Result checked = HnswSearch.search(spark, dir, built.manifest(), sample, settings, ef, null);
      double recall = NeighborSearch.recall(truth, checked);
      checked.release();
      double[] search = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        start = System.nanoTime();
        HnswSearch.search(spark, dir, built.manifest(), timed, settings, ef, null).release();
        search[r] = (System.nanoTime() - start) / 1e9;
      }
      methods.add(new Method("hnsw, ef-search " + ef, built.seconds(), Median.of(search), timedCount, recall));
    }
    if (timed != sample && timed != codes) {
      timed.unpersist();
    }
    truth.release();
    sample.unpersist();
    codes.unpersist();
    try {
      dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dir, true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new Comparison(rows, dim, clustered ? "clustered" : "gaussian", methods);
  }

  /** A mixture of {@link #CLUSTERS} gaussians: centres N(0, 1) per value, each code its centre plus N(0, 0.5^2). */
  private Dataset<Row> clustered(long rows, int dim) {
    java.util.Random random = new java.util.Random(settings.seed());
    Column cluster = org.apache.spark.sql.functions.pmod(org.apache.spark.sql.functions.xxhash64(col("id")),
        org.apache.spark.sql.functions.lit(CLUSTERS)).cast("int").plus(1);
    List<Column> values = new ArrayList<>();
    for (int j = 0; j < dim; j++) {
      Column[] centres = new Column[CLUSTERS];
      for (int c = 0; c < CLUSTERS; c++) {
        centres[c] = org.apache.spark.sql.functions.lit((float) random.nextGaussian());
      }
      values.add(org.apache.spark.sql.functions.element_at(array(centres), cluster)
          .plus(randn(settings.seed() + j).multiply(0.5)).cast("float"));
    }
    return spark.range(rows).select(format_string("r%09d", col("id")).as(Columns.ID),
        array(values.toArray(Column[]::new)).as(Columns.CODE));
  }

  /** Queries on which auto chooses ef-search, as a build's index.recall-queries would. */
  static final int AUTO_QUERIES = 1000;

  /** Gaussians in the clustered codes. */
  static final int CLUSTERS = 100;

  private Dataset<Row> codes(long rows, int dim) {
    List<Column> values = new ArrayList<>();
    for (int j = 0; j < dim; j++) {
      values.add(randn(settings.seed() + j).cast("float"));
    }
    return spark.range(rows).select(format_string("r%09d", col("id")).as(Columns.ID),
        array(values.toArray(Column[]::new)).as(Columns.CODE));
  }

  /**
   * GFLOP/s of ND4J float products (m x k)(k x n), as the search's kernel calls them, run on
   * {@code threads} threads at once (one per task slot, as Spark runs the search): the machine's
   * rate, not one core's. Median over rounds.
   */
  static double gemmGflops(int m, int k, int n, int threads, int repeats) {
    INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, k);
    double[] rates = new double[Math.max(1, repeats)];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int r = -1; r < rates.length; r++) {
        List<Callable<Object>> products = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          products.add(() -> {
            try (INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, 'c')) {
              return Nd4j.gemm(a, b, c, false, true, 1.0, 0.0);
            }
          });
        }
        long start = System.nanoTime();
        for (Future<Object> done : pool.invokeAll(products)) {
          done.get();
        }
        if (r >= 0) {
          rates[r] = threads * 2.0 * m * k * n / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("matrix-multiply reference failed", e);
    } finally {
      pool.shutdown();
    }
    return Median.of(rates);
  }

}
