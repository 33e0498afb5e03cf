package io.latentforge.jobs;

import io.latentforge.Stage;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.jobs.bench.NeighborsBench;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge bench neighbors}: exact search's queries/s and its share of the BLAS rate. */
@Command(name = "neighbors", mixinStandardHelpOptions = true,
    description = "Generate gaussian codes and time exact all-rows neighbour search (and approximate search, with its recall) under the configured neighbors.* settings.")
public final class BenchNeighborsCommand extends SparkJob {

  @Option(names = "--rows", description = "Codes to generate. Default: ${DEFAULT-VALUE}.")
  long rows = 100_000;

  @Option(names = "--dim", description = "Floats per code. Default: ${DEFAULT-VALUE}.")
  int dim = 32;

  @Option(names = "--repeats", description = "Timed rounds; medians are reported. Default: ${DEFAULT-VALUE}.")
  int repeats = 3;

  @Override
  String jobName() {
    return "bench neighbors";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    NeighborsBench.Figures f = Stage.run(spark, "latentforge.bench", "neighbors",
        () -> new NeighborsBench(spark, config.neighbors()).run(rows, dim, repeats));
    out.printf(Locale.ROOT, "neighbors benchmark: %d codes x %d, k=%d, %s, block-rows %d, master %s, median of %d%n",
        f.rows(), f.dim(), config.neighbors().k(), config.neighbors().metric().key(), config.neighbors().blockRows(),
        spark.sparkContext().master(), repeats);
    out.printf(Locale.ROOT, "  exact, every row a query      %8.1f s  %9.0f queries/s%n", f.exactSeconds(),
        f.queriesPerSecond());
    out.printf(Locale.ROOT, "  its matrix products           %8.1f GFLOP/s = %.2f of BLAS on 2048^3 (%.1f GFLOP/s),"
        + " %.2f of BLAS on its block shape (%.1f GFLOP/s)%n", f.gflops(), f.shareOfPeak(), f.peakGflops(),
        f.shareOfBlockRate(), f.blockGflops());
    out.printf(Locale.ROOT, "  approximate (LSH)             %8.1f s  (%.2f of exact's time), recall@%d %.3f%n",
        f.approximateSeconds(), f.approximateSeconds() / f.exactSeconds(), config.neighbors().k(), f.recall());
  }
}
