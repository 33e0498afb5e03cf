package io.latentforge.jobs;

import io.latentforge.Stage;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.NeighborSettings;
import io.latentforge.jobs.bench.NeighborsBench;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge bench neighbors}: exact search, LSH and the HNSW index side by side. */
@Command(name = "neighbors", mixinStandardHelpOptions = true,
    description = "Generate codes (gaussian, and a mixture of 100 gaussians) and compare exact search, LSH and the "
        + "HNSW index: build time, queries/s and recall@k against exact search, under the configured neighbors.* and "
        + "index.* settings. With --all-rows: exact all-rows search's queries/s and its share of the BLAS rate.")
public final class BenchNeighborsCommand extends SparkJob {

  @Option(names = "--rows", split = ",", description = "Code counts to generate. Default: ${DEFAULT-VALUE}.")
  List<Long> rows = List.of(100_000L, 1_000_000L);

  @Option(names = "--data", split = ",", paramLabel = "gaussian|clustered",
      description = "Code distributions. Default: ${DEFAULT-VALUE}.")
  List<String> data = List.of("gaussian", "clustered");

  @Option(names = "--dim", description = "Floats per code. Default: ${DEFAULT-VALUE}.")
  int dim = 32;

  @Option(names = "--queries", description = "Sampled codes that exact search and the index answer. Default: ${DEFAULT-VALUE}.")
  int queries = 10_000;

  @Option(names = "--ef-search", split = ",", description = "Candidates per shard search, one index row each. "
      + "Default: index.ef-search (auto: chosen on 1000 of the queries as a build chooses it, then timed on all).")
  List<Integer> efSearch;

  @Option(names = "--index-queries", description = "Codes the index is timed on (its recall is on --queries); "
      + "at least the corpus size: every row, as the nightly's neighbour step. Default: 100,000 (every row of "
      + "smaller corpora), which spreads a search's fixed cost in Spark jobs (about a second) as the nightly does.")
  long indexQueries = 100_000;

  @Option(names = "--no-lsh", description = "Leave LSH out (on clustered codes its buckets grow with the corpus: "
      + "at 1,000,000 codes one needs more than a 6 GB heap).")
  boolean noLsh;

  @Option(names = "--repeats", description = "Timed rounds of each search; medians are reported. Default: ${DEFAULT-VALUE}.")
  int repeats = 3;

  @Option(names = "--scratch", description = "Where the benchmark's indexes are built (removed after). Default: the "
      + "temporary directory.")
  String scratch = System.getProperty("java.io.tmpdir") + "/latentforge-bench";

  @Option(names = "--all-rows", description = "Instead: exact search with every row a query, on the first --rows "
      + "gaussian codes, with its matrix products' share of the BLAS rate, and LSH's time and recall.")
  boolean allRows;

  @Override
  String jobName() {
    return "bench neighbors";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    NeighborsBench bench = new NeighborsBench(spark, config.neighbors());
    if (allRows) {
      allRows(spark, config.neighbors(), bench, out);
      return;
    }
    NeighborSettings n = config.neighbors();
    out.printf(Locale.ROOT, "neighbors benchmark: %d floats per code, k=%d, %s, %d sampled queries, master %s; "
        + "HNSW m=%d ef-construction=%d ef-search=%s shard-rows=%d; LSH %d tables, bucket-rows %d%n", dim, n.k(),
        n.metric().key(), queries, spark.sparkContext().master(), config.index().m(), config.index().efConstruction(),
        config.index().efSearch() == null ? "auto" : config.index().efSearch(), config.index().shardRows(),
        n.approximate().tables(),
        n.approximate().bucketRows());
    out.printf(Locale.ROOT, "  %-19s %-22s %9s %9s %9s %11s %9s %9s%n", "codes", "method", "build s", "search s",
        "queries", "queries/s", "x exact", "recall@" + n.k());
    for (long r : rows) {
      for (String d : data) {
        boolean clustered = switch (d) {
          case "gaussian" -> false;
          case "clustered" -> true;
          default -> throw io.latentforge.LatentforgeException.usage("Unknown --data " + d + ".",
              "give gaussian, clustered or both, comma-separated.");
        };
        NeighborsBench.Comparison c = Stage.run(spark, "latentforge.bench", "neighbors " + r + " " + d,
            () -> bench.compare(r, dim, clustered, queries, config.index(),
                efSearch != null ? efSearch : config.index().efSearch() == null ? null
                    : List.of(config.index().efSearch()), indexQueries, !noLsh,
                repeats, scratch));
        double exact = c.methods().get(0).queriesPerSecond();
        for (NeighborsBench.Method m : c.methods()) {
          out.printf(Locale.ROOT, "  %-19s %-22s %9s %9.1f %9d %11.0f %9.2f %9.3f%n", r + " " + d, m.name(),
              m.buildSeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f", m.buildSeconds()), m.searchSeconds(),
              m.queries(), m.queriesPerSecond(), m.queriesPerSecond() / exact, m.recall());
        }
        out.flush();
      }
    }
  }

  private void allRows(SparkSession spark, NeighborSettings n, NeighborsBench bench, PrintWriter out) {
    long count = rows.get(0);
    NeighborsBench.Figures f = Stage.run(spark, "latentforge.bench", "neighbors", () -> bench.run(count, dim, repeats));
    out.printf(Locale.ROOT, "neighbors benchmark: %d codes x %d, k=%d, %s, block-rows %d, master %s, median of %d%n",
        f.rows(), f.dim(), n.k(), n.metric().key(), n.blockRows(), spark.sparkContext().master(), repeats);
    out.printf(Locale.ROOT, "  exact, every row a query      %8.1f s  %9.0f queries/s%n", f.exactSeconds(),
        f.queriesPerSecond());
    out.printf(Locale.ROOT, "  its matrix products           %8.1f GFLOP/s = %.2f of BLAS on 2048^3 (%.1f GFLOP/s),"
        + " %.2f of BLAS on its block shape (%.1f GFLOP/s)%n", f.gflops(), f.shareOfPeak(), f.peakGflops(),
        f.shareOfBlockRate(), f.blockGflops());
    out.printf(Locale.ROOT, "  approximate (LSH)             %8.1f s  (%.2f of exact's time), recall@%d %.3f%n",
        f.approximateSeconds(), f.approximateSeconds() / f.exactSeconds(), n.k(), f.recall());
  }
}
