package io.latentforge.jobs;

import io.latentforge.bench.EncodeBench;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.Stage;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge bench encode}: code-table rows/s against the bare forward pass. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Generate an image corpus and time encoding it with the configured model: the bare forward pass (one JVM, features in memory), Spark from featurized Parquet, and Spark end to end.")
public final class BenchEncodeCommand extends SparkJob {

  @Option(names = "--rows", description = "Images to generate. Default: ${DEFAULT-VALUE}.")
  int rows = 20000;

  @Option(names = "--repeats", description = "Timed rounds of the three measurements (after a warm-up); medians are reported, ratios within rounds. Default: ${DEFAULT-VALUE}.")
  int repeats = 3;

  @Option(names = "--output", paramLabel = "DIR", description = "Scratch directory. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-bench";

  @Override
  String jobName() {
    return "bench encode";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    String corpus = GeneratedCorpora.write(spark, output, rows, 0, 1).images();
    EncodeBench.Rates r = Stage.run(spark, "latentforge.bench", "encode",
        () -> new EncodeBench(spark, config).run(corpus, output + "/encode", repeats));
    out.printf(Locale.ROOT, "encode benchmark: %d rows, model %s, batch %d, master %s, median of %d%n", r.rows(),
        config.model().encoderLayers() + "->" + config.model().codeSize(), config.encode().batchSize(),
        spark.sparkContext().master(), repeats);
    out.printf(Locale.ROOT, "  bare forward pass (1 JVM)       %9.0f rows/s%n", r.bare());
    out.printf(Locale.ROOT, "  Spark, featurized Parquet in    %9.0f rows/s  (%.2f of bare)%n", r.fromFeatures(),
        r.fromFeaturesRatio());
    out.printf(Locale.ROOT, "  Spark, image corpus end to end  %9.0f rows/s  (%.2f of bare)%n", r.endToEnd(),
        r.endToEndRatio());
  }
}
