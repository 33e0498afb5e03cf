package io.latentforge.jobs.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.randn;

import io.latentforge.config.NeighborSettings;
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
 * it, with its recall.
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
