package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.DownstreamRun;
import io.latentforge.schema.CorpusKind;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code latentforge evaluate}: a date's codes against labels and baselines, then the report. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a date's codes on held-out labelled rows against raw-feature, PCA and (documents) tf-idf baselines; write metrics.json and report.html under OUT/reports/run_date=D.")
public final class EvaluateCommand extends SparkJob {

  @Mixin
  CodesOptions codes;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "The corpus the codes were encoded from.")
  String input;

  @Option(names = "--kind", required = true, paramLabel = "image|text", converter = KindConverter.class,
      description = "What the corpus holds.")
  CorpusKind kind;

  @Option(names = "--model", paramLabel = "DIR", description = "The codes' model. Default: models/<model_id> beside the code table.")
  String model;

  @Override
  String jobName() {
    return "evaluate " + KindConverter.name(kind);
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    DownstreamRun.Evaluated result = new DownstreamRun(spark).evaluate(codes.target(common.runDate, config), input, kind,
        model);
    Summary.evaluation(out, result.evaluation());
    out.println("  report           " + result.report());
  }
}
