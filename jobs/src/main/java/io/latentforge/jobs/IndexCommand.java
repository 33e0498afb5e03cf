package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.retrieval.IndexFigures;
import io.latentforge.run.DownstreamRun;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latentforge index}: the HNSW index of a date's codes. */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = "Build the HNSW index of a date's codes (Lucene, one graph per shard, built on the executors), "
        + "measure its recall against exact search and publish it under OUT/indexes, replacing the date's index.")
public final class IndexCommand extends SparkJob {

  @Mixin
  CodesOptions codes;

  @Option(names = "--metric", paramLabel = "cosine|euclidean", description = "Distance indexed (neighbors.metric).")
  String metric;

  @Override
  String jobName() {
    return "index";
  }

  @Override
  List<String> flags() {
    List<String> flags = new ArrayList<>();
    if (metric != null) {
      flags.add("neighbors.metric=" + metric);
    }
    return flags;
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    IndexFigures section = new DownstreamRun(spark).index(codes.target(common.runDate, config));
    out.println("index run " + common.runDate + ": " + section);
  }
}
