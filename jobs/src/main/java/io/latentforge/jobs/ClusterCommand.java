package io.latentforge.jobs;

import io.latentforge.cluster.ClusterFigures;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.DownstreamRun;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latentforge cluster}: k-means over a date's codes. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Cluster a date's codes with Spark MLlib and publish assignments under OUT/clusters, centres under OUT/cluster_centers.")
public final class ClusterCommand extends SparkJob {

  @Mixin
  CodesOptions codes;

  @Option(names = "--k", paramLabel = "K", description = "Number of clusters (cluster.k).")
  Integer k;

  @Option(names = "--algorithm", paramLabel = "kmeans|bisecting", description = "cluster.algorithm.")
  String algorithm;

  @Override
  String jobName() {
    return "cluster";
  }

  @Override
  List<String> flags() {
    List<String> flags = new ArrayList<>();
    if (k != null) {
      flags.add("cluster.k=" + k);
    }
    if (algorithm != null) {
      flags.add("cluster.algorithm=" + algorithm);
    }
    return flags;
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    ClusterFigures section = new DownstreamRun(spark).cluster(codes.target(common.runDate, config));
    out.println("cluster run " + common.runDate + ": " + section);
  }
}
