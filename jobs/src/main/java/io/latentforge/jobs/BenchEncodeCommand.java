package io.latentforge.jobs;

import io.latentforge.Stage;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.jobs.bench.EncodeBench;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge bench encode}: code-table rows/s against the bare forward pass. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Generate an image corpus and time encoding it with the configured model (trained for one epoch on a slice): the bare forward pass (one thread, features in memory), Spark from featurized Parquet, and latentforge encode from the corpus to a published code table, whose time a second run on a tenth of the corpus splits into a fixed cost per run and a rate per row.")
public final class BenchEncodeCommand extends SparkJob {

  /** Large enough that an encode run's fixed cost (about half a second here) does not decide its rate. */
  @Option(names = "--rows", description = "Images to generate. Default: ${DEFAULT-VALUE}.")
  int rows = 300_000;

  @Option(names = "--repeats", description = "Timed rounds of the measurements (after a warm-up); medians are reported, ratios within rounds. Default: ${DEFAULT-VALUE}.")
  int repeats = 3;

  @Option(names = "--output", paramLabel = "DIR", description = "Scratch directory. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-bench";

  @Option(names = "--incremental", description = "Instead: time encode --incremental against a full encode of the "
      + "corpus with 1%% and 10%% of its rows replaced, with the same model.")
  boolean incremental;

  @Override
  String jobName() {
    return "bench encode";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    String corpus = GeneratedCorpora.write(spark, output, rows, 0, 1).images();
    if (incremental) {
      List<EncodeBench.Incremental> results = Stage.run(spark, "latentforge.bench", "incremental encode",
          () -> new EncodeBench(spark, config).incremental(corpus, output + "/encode", repeats, 0.01, 0.10));
      out.printf(Locale.ROOT, "incremental encode benchmark: %d rows, model %s %s->%d, master %s, median of %d%n",
          results.get(0).rows(), config.model().type().name().toLowerCase(Locale.ROOT), config.model().encoderLayers(),
          config.model().codeSize(), spark.sparkContext().master(), repeats);
      for (EncodeBench.Incremental r : results) {
        out.printf(Locale.ROOT, "  %4.0f%% of rows replaced: full encode %7.1f s, incremental %7.1f s (%.2f of full)%n",
            100 * r.changed(), r.fullSeconds(), r.incrementalSeconds(), r.ratio());
      }
      return;
    }
    EncodeBench.Rates r = Stage.run(spark, "latentforge.bench", "encode",
        () -> new EncodeBench(spark, config).run(corpus, output + "/encode", repeats));
    out.printf(Locale.ROOT, "encode benchmark: %d rows, model %s %s->%d, batch %d, master %s, median of %d%n", r.rows(),
        config.model().type().name().toLowerCase(Locale.ROOT), config.model().encoderLayers(), config.model().codeSize(),
        config.encode().batchSize(), spark.sparkContext().master(), repeats);
    out.printf(Locale.ROOT, "  bare forward pass (1 thread, batches in memory)  %9.0f rows/s%n", r.bare());
    out.printf(Locale.ROOT, "  Spark, featurized Parquet to codes               %9.0f rows/s  (%.2f of bare)%n",
        r.fromFeatures(), r.fromFeaturesRatio());
    out.printf(Locale.ROOT, "  latentforge encode, corpus to published codes    %9.0f rows/s  (%.2f of bare)%n",
        r.endToEnd(), r.endToEndRatio());
    if (Double.isNaN(r.perRow())) {
      out.printf(Locale.ROOT, "    (too few rows to split a run's time into a fixed cost and a rate per row)%n");
      return;
    }
    out.printf(Locale.ROOT, "    a fixed cost per run (fit with runs on a tenth)   %9.2f s%n", r.fixedSeconds());
    out.printf(Locale.ROOT, "    and the rows above it                          %9.0f rows/s  (%.2f of bare)%n",
        r.perRow(), r.perRowRatio());
  }
}
