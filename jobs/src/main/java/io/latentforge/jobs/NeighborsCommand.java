package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.LatentforgeException;
import io.latentforge.retrieval.NeighborFigures;
import io.latentforge.retrieval.NeighborSearch;
import io.latentforge.run.DownstreamRun;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latentforge neighbors}: top-k neighbours of a date's codes. */
@Command(name = "neighbors", mixinStandardHelpOptions = true,
    description = "Find the k nearest neighbours of every code of a date (or of --queries) and publish them under OUT/neighbors.")
public final class NeighborsCommand extends SparkJob {

  @Mixin
  CodesOptions codes;

  @Option(names = "--queries", paramLabel = "PATH",
      description = "Parquet table of query ids (rows of the code table) or of id and code. Default: every row.")
  String queries;

  @Option(names = "--k", paramLabel = "K", description = "Neighbours per query (neighbors.k).")
  Integer k;

  @Option(names = "--metric", paramLabel = "cosine|euclidean|hamming", description = "Distance (neighbors.metric).")
  String metric;

  @Option(names = "--approximate", description = "Locality-sensitive hashing instead of exact search; reports recall.")
  boolean approximate;

  @Option(names = "--index", description = "Search the date's HNSW index (built by `index` or the nightly step index) "
      + "with index.ef-search instead of exact search.")
  boolean index;

  @Override
  String jobName() {
    return "neighbors";
  }

  @Override
  List<String> flags() {
    List<String> flags = new ArrayList<>();
    if (k != null) {
      flags.add("neighbors.k=" + k);
    }
    if (metric != null) {
      flags.add("neighbors.metric=" + metric);
    }
    return flags;
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    if (approximate && index) {
      throw LatentforgeException.usage("--approximate and --index are two ways to search; give one.",
          "--index searches the date's HNSW index, --approximate hashes the codes (LSH).");
    }
    NeighborFigures section = new DownstreamRun(spark).neighbors(codes.target(common.runDate, config), queries,
        index ? NeighborSearch.Method.INDEX : approximate ? NeighborSearch.Method.LSH : NeighborSearch.Method.EXACT);
    out.println("neighbors run " + common.runDate + ": " + section);
  }
}
