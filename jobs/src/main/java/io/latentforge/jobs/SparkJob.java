package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.NightlyRequest;
import io.latentforge.run.NightlyRun;
import io.latentforge.run.RunResult;
import io.latentforge.schema.CorpusKind;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The frame of every command: the configuration validated before anything starts, a session
 * named for the Spark UI, output to the command line's writer, exit code 0 once the job is done
 * (failures reach {@link Main} as exceptions and become their exit codes).
 */
abstract class SparkJob implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  /** What the Spark UI shows after "latentforge ". */
  abstract String jobName();

  abstract void run(SparkSession spark, LatentforgeConfig config, PrintWriter out);

  /** The command's own defaults as config settings ("key=value"); --conf and --set win over them. */
  List<String> defaults() {
    return List.of();
  }

  /** The command's own options as config settings ("key=value"); they win over --set. */
  List<String> flags() {
    return List.of();
  }

  @Override
  public final Integer call() {
    LatentforgeConfig config = common.config(defaults(), flags());
    try (Sessions.Owned spark = Sessions.open("latentforge " + jobName(), config.spark())) {
      run(spark.session(), config, spec.commandLine().getOut());
    }
    return 0;
  }

  /** One nightly run, then its summary. */
  RunResult nightly(SparkSession spark, LatentforgeConfig config, PrintWriter out, CorpusKind kind, String input,
      String output) {
    long start = System.nanoTime();
    RunResult result = new NightlyRun(spark).execute(new NightlyRequest(kind, input, output, common.runDate, config));
    Summary.print(out, "nightly " + KindConverter.name(kind), common.runDate.toString(), result, start);
    return result;
  }
}
