package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.EncodeRequest;
import io.latentforge.run.EncodeRun;
import io.latentforge.run.RunResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code latentforge encode}: a corpus through an existing model into the code table. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode a corpus with an existing model (featurized as the model's training was: its vocabulary, image size and standardization) and publish the date's code table partition.")
public final class EncodeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory: OUT/models/<model_id>.")
  String model;

  @Mixin
  CorpusOptions corpus;

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LatentforgeConfig config = common.config();
    long start = System.nanoTime();
    try (Sessions.Owned spark = Sessions.open("latentforge encode " + corpus.kindName(), config.spark())) {
      RunResult result = new EncodeRun(spark.session())
          .execute(new EncodeRequest(model, corpus.kind, corpus.input, corpus.output, common.runDate, config));
      Summary.print(spec.commandLine().getOut(), "encode " + corpus.kindName(), common.runDate.toString(), result, start);
    }
    return 0;
  }
}
