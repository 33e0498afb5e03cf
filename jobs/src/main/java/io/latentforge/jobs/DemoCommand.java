package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.NightlyRequest;
import io.latentforge.run.RunResult;
import io.latentforge.run.NightlyRun;
import io.latentforge.schema.CorpusKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latentforge demo}: generates two labelled corpora and runs nightly on each. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate a small image corpus (28x28 shapes, 5 classes) and a document corpus (4 topics) as Parquet under OUT/corpora/, then run nightly on each into OUT/images/ and OUT/documents/.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--output", paramLabel = "DIR", description = "Where corpora and outputs go. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-demo";

  @Option(names = "--images", paramLabel = "N", description = "Images to generate. Default: ${DEFAULT-VALUE}.")
  int images = 2000;

  @Option(names = "--documents", paramLabel = "N", description = "Documents to generate. Default: ${DEFAULT-VALUE}.")
  int documents = 2000;

  @Option(names = "--seed", description = "Seed of the generated corpora. Default: ${DEFAULT-VALUE}.")
  long seed = 7;

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LatentforgeConfig config = common.config();
    try (Sessions.Owned spark = Sessions.open("latentforge demo", config.spark())) {
      GeneratedCorpora.Paths corpora = GeneratedCorpora.write(spark.session(), output, images, documents, seed);
      run(spark, CorpusKind.IMAGE, corpora.images(), output + "/images", config);
      run(spark, CorpusKind.TEXT, corpora.documents(), output + "/documents", config);
    }
    return 0;
  }

  private void run(Sessions.Owned spark, CorpusKind kind, String input, String out, LatentforgeConfig config) {
    long start = System.nanoTime();
    RunResult result = new NightlyRun(spark.session())
        .execute(new NightlyRequest(kind, input, out, common.runDate, config));
    Summary.print(spec.commandLine().getOut(), "nightly " + KindConverter.name(kind), common.runDate.toString(), result, start);
  }
}
