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

/** {@code latentforge nightly}: featurize, train, encode and publish one corpus. */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Read a corpus, train an autoencoder, and publish its code table and model.")
public final class NightlyCommand implements Callable<Integer> {

  @Option(names = "--kind", required = true, paramLabel = "image|text", converter = KindConverter.class,
      description = "What the corpus holds.")
  CorpusKind kind;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "Parquet corpus (file or directory, any Hadoop file system).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "OUT", description = "Output root: codes/, rejects/, models/ are written under it.")
  String output;

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LatentforgeConfig config = common.config();
    long start = System.nanoTime();
    try (Sessions.Owned spark = Sessions.open("latentforge nightly " + KindConverter.name(kind), config.spark())) {
      RunResult result = new NightlyRun(spark.session())
          .execute(new NightlyRequest(kind, input, output, common.runDate, config));
      Summary.print(spec.commandLine().getOut(), "nightly " + KindConverter.name(kind), common.runDate.toString(), result, start);
    }
    return 0;
  }
}
