package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.run.DownstreamRun;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** The code table a downstream job reads and the output root it writes under. */
public final class CodesOptions {

  @Option(names = "--output", required = true, paramLabel = "OUT",
      description = "Output root: the job's table and reports/run_date=D/metrics.json are written under it.")
  String output;

  @Option(names = "--codes", paramLabel = "PATH", description = "Code table to read. Default: OUT/codes.")
  String codes;

  DownstreamRun.Target target(LocalDate runDate, LatentforgeConfig config) {
    return new DownstreamRun.Target(output, codes, runDate, config);
  }
}
