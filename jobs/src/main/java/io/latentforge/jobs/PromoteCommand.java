package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.PromoteRun;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge promote}: publish a run a publish gate stopped. */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Publish a nightly run that a publish gate stopped (exit code 7) and kept under "
        + "OUT/_audit/run_date=D/, after a person has looked at its report: the same one-unit publish as "
        + "a normal run's, under the output root's lock.")
public final class PromoteCommand extends SparkJob {

  @Option(names = "--output", required = true, paramLabel = "OUT", description = "The nightly's output root.")
  String output;

  @Option(names = "--run", paramLabel = "RUN_ID",
      description = "Which stopped run of the date to publish. Default: the newest.")
  String run;

  @Override
  String jobName() {
    return "promote " + common.runDate;
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    PromoteRun.Promoted promoted = new PromoteRun(spark).execute(output, common.runDate, run, config);
    out.println("promoted run " + promoted.runId() + " of " + common.runDate);
    out.println("  codes            " + promoted.codesPath());
    out.println("  report           " + promoted.reportPath());
  }
}
