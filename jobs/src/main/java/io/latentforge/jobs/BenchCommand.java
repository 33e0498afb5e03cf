package io.latentforge.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code latentforge bench ...}: performance measurements on generated data. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure throughput on generated data, and code quality on real corpora (figures for release notes and tuning).",
    subcommands = {BenchFeaturizeCommand.class, BenchEncodeCommand.class, BenchTrainCommand.class,
        BenchNeighborsCommand.class, BenchQualityCommand.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: choose one of "
        + spec.subcommands().keySet() + ".");
  }
}
