package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.NightlyRequest;
import io.latentforge.run.NightlyRun;
import io.latentforge.run.RunResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code latentforge nightly}: featurize, train, encode and publish one corpus. */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Read a corpus, train an autoencoder, and publish its code table and model.")
public final class NightlyCommand implements Callable<Integer> {

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
    try (Sessions.Owned spark = Sessions.open("latentforge nightly " + corpus.kindName(), config.spark())) {
      RunResult result = new NightlyRun(spark.session())
          .execute(new NightlyRequest(corpus.kind, corpus.input, corpus.output, common.runDate, config));
      Summary.print(spec.commandLine().getOut(), "nightly " + corpus.kindName(), common.runDate.toString(), result, start);
    }
    return 0;
  }
}
