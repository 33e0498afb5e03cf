package io.latentforge.jobs;

import io.latentforge.Stage;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.jobs.bench.FeaturizeBench;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge bench featurize}: images/s and documents/s on generated corpora. */
@Command(name = "featurize", mixinStandardHelpOptions = true,
    description = "Generate an image corpus (28x28 PNG) and a document corpus as Parquet, then time featurizing each (read, id checks, decode/resize or tokenize/vocabulary, quarantine).")
public final class BenchFeaturizeCommand extends SparkJob {

  @Option(names = "--images", description = "Images to generate. Default: ${DEFAULT-VALUE}.")
  int images = 20000;

  @Option(names = "--documents", description = "Documents to generate. Default: ${DEFAULT-VALUE}.")
  int documents = 20000;

  @Option(names = "--repeats", description = "Measurements per corpus; the median is reported. Default: ${DEFAULT-VALUE}.")
  int repeats = 3;

  @Option(names = "--output", paramLabel = "DIR", description = "Where the generated corpora go. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-bench";

  @Override
  String jobName() {
    return "bench featurize";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    GeneratedCorpora.Paths corpora = GeneratedCorpora.write(spark, output, images, documents, 1);
    FeaturizeBench bench = new FeaturizeBench(spark, config);
    out.printf(Locale.ROOT, "featurize benchmark, master %s, %d repeats (median)%n", spark.sparkContext().master(), repeats);
    print(out, "images", Stage.run(spark, "latentforge.bench", "featurize images",
        () -> bench.images(corpora.images(), repeats)));
    print(out, "documents", Stage.run(spark, "latentforge.bench", "featurize documents",
        () -> bench.documents(corpora.documents(), repeats)));
  }

  private static void print(PrintWriter out, String what, FeaturizeBench.Rate rate) {
    out.printf(Locale.ROOT, "  %-10s %8d rows  %7.2f s  %9.0f rows/s   (runs: %s)%n", what, rate.rows(),
        rate.medianSeconds(), rate.rowsPerSecond(),
        rate.seconds().stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList());
  }
}
