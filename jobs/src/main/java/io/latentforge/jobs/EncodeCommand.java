package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.EncodeRequest;
import io.latentforge.run.EncodeRun;
import io.latentforge.run.RunResult;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latentforge encode}: a corpus through an existing model into the code table. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode a corpus with an existing model (featurized as the model's training was: its vocabulary, image size and standardization) and publish the date's code table partition.")
public final class EncodeCommand extends SparkJob {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory: OUT/models/<model_id>.")
  String model;

  @Mixin
  CorpusOptions corpus;

  @Option(names = "--incremental", description = "When the newest earlier code partition was written by encode "
      + "with this model, copy the codes of rows whose content and label are unchanged (same id, same content key) "
      + "and encode only the others; otherwise encode every row (the log says why).")
  boolean incremental;

  @Override
  String jobName() {
    return "encode " + corpus.kindName();
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    long start = System.nanoTime();
    RunResult result = new EncodeRun(spark)
        .execute(new EncodeRequest(model, corpus.kind, corpus.input, corpus.output, common.runDate, config,
            incremental));
    Summary.print(out, "encode " + corpus.kindName(), common.runDate.toString(), result, start);
  }
}
