package io.latentforge.jobs;

import io.latentforge.bench.EncodeBench;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.Stage;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code latentforge bench encode}: code-table rows/s against the bare forward pass. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Generate an image corpus and time encoding it with the configured model: the bare forward pass (one JVM, features in memory), Spark from featurized Parquet, and Spark end to end.")
public final class BenchEncodeCommand implements Callable<Integer> {

  @Option(names = "--rows", description = "Images to generate. Default: ${DEFAULT-VALUE}.")
  int rows = 20000;

  @Option(names = "--repeats", description = "Timed rounds of the three measurements (after a warm-up); medians are reported, ratios within rounds. Default: ${DEFAULT-VALUE}.")
  int repeats = 3;

  @Option(names = "--output", paramLabel = "DIR", description = "Scratch directory. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-bench";

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LatentforgeConfig config = common.config();
    try (Sessions.Owned spark = Sessions.open("latentforge bench encode", config.spark())) {
      String corpus = GeneratedCorpora.write(spark.session(), output, rows, 0, 1).images();
      EncodeBench.Rates r = Stage.run(spark.session(), "latentforge.bench", "encode",
          () -> new EncodeBench(spark.session(), config).run(corpus, output + "/encode", repeats));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "encode benchmark: %d rows, model %s, batch %d, master %s, median of %d%n", r.rows(),
          config.model().encoderLayers() + "->" + config.model().codeSize(), config.encode().batchSize(),
          spark.session().sparkContext().master(), repeats);
      out.printf(Locale.ROOT, "  bare forward pass (1 JVM)       %9.0f rows/s%n", r.bare());
      out.printf(Locale.ROOT, "  Spark, featurized Parquet in    %9.0f rows/s  (%.2f of bare)%n", r.fromFeatures(),
          r.fromFeaturesRatio());
      out.printf(Locale.ROOT, "  Spark, image corpus end to end  %9.0f rows/s  (%.2f of bare)%n", r.endToEnd(),
          r.endToEndRatio());
    }
    return 0;
  }
}
