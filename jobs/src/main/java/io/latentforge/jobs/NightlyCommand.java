package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code latentforge nightly}: featurize, train, encode and publish one corpus. */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Read a corpus, train an autoencoder, and publish its code table and model.")
public final class NightlyCommand extends SparkJob {

  @Mixin
  CorpusOptions corpus;

  @Override
  String jobName() {
    return "nightly " + corpus.kindName();
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    nightly(spark, config, out, corpus.kind, corpus.input, corpus.output);
  }
}
