package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.schema.CorpusKind;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge demo}: generates two labelled corpora and runs nightly on each. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate a small image corpus (28x28 shapes, 5 classes) and a document corpus (4 topics) as Parquet under OUT/corpora/, then run nightly on each into OUT/images/ and OUT/documents/.")
public final class DemoCommand extends SparkJob {

  @Option(names = "--output", paramLabel = "DIR", description = "Where corpora and outputs go. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-demo";

  @Option(names = "--images", paramLabel = "N", description = "Images to generate. Default: ${DEFAULT-VALUE}.")
  int images = 2000;

  @Option(names = "--documents", paramLabel = "N", description = "Documents to generate. Default: ${DEFAULT-VALUE}.")
  int documents = 2000;

  @Option(names = "--seed", description = "Seed of the generated corpora. Default: ${DEFAULT-VALUE}.")
  long seed = 7;

  @Override
  String jobName() {
    return "demo";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    GeneratedCorpora.Paths corpora = GeneratedCorpora.write(spark, output, images, documents, seed);
    nightly(spark, config, out, CorpusKind.IMAGE, corpora.images(), output + "/images");
    nightly(spark, config, out, CorpusKind.TEXT, corpora.documents(), output + "/documents");
  }
}
