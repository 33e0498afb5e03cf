package io.latentforge.jobs;

import com.typesafe.config.Config;
import io.latentforge.LatentforgeException;
import io.latentforge.config.ConfigLoader;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code latentforge} command line: one subcommand per job. */
@Command(name = "latentforge", mixinStandardHelpOptions = true, version = "latentforge 0.1.0",
    description = "Train autoencoders on image and document corpora with Spark and publish latent-code tables.",
    subcommands = {DemoCommand.class, NightlyCommand.class, EncodeCommand.class, NeighborsCommand.class,
        IndexCommand.class, ClusterCommand.class, EvaluateCommand.class, PromoteCommand.class, ImportCommand.class, BenchCommand.class},
    footer = {"", "Run `latentforge COMMAND --help` for the options of a command.",
        "Exit codes: 0 success, 1 other failure, 2 bad usage or config, 3 bad input,",
        "4 too many rejects, 5 training diverged, 6 output root locked by another run,",
        "7 stopped by a publish gate (kept for review; see promote)."})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(commandLine, e));
    cli.setParameterExceptionHandler(Main::reportUsage);
    cli.getSubcommands().get("nightly").getCommandSpec().usageMessage().footer(configKeysFooter());
    try {
      return cli.execute(args);
    } catch (Error e) {
      // picocli's handler sees Exceptions only; an Error (a full disk's FSError, running out of
      // memory) still ends with one latentforge line and exit code 1.
      err.println("latentforge: failed: " + describe(e));
      e.printStackTrace(err);
      return LatentforgeException.Kind.INTERNAL.exitCode;
    }
  }

  private static String describe(Error e) {
    if (e instanceof FSError) {
      return "the file system failed while writing (" + e.getCause() + "), e.g. a full disk. Nothing more was "
          + "published; free space (or fix the disk) and rerun the date.";
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (" + e.getMessage() + "). Give the driver or the executors more memory "
          + "(spark.driver.memory, spark.executor.memory) or lower train.batch-size-per-worker / encode.batch-size.";
    }
    return e.toString();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of "
        + spec.subcommands().keySet() + ".");
  }

  /** A bad command line: the problem and where to read more, not the whole help page. */
  private static int reportUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command.getErr().println("latentforge: error: " + e.getMessage());
    command.getErr().println("  Run '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
    return LatentforgeException.Kind.USAGE.exitCode;
  }

  private static int report(CommandLine commandLine, Exception e) {
    if (e instanceof LatentforgeException le) {
      commandLine.getErr().println("latentforge: error: " + le.getMessage());
      return le.kind().exitCode;
    }
    Throwable cause = rootError(e);
    commandLine.getErr().println("latentforge: failed: " + (cause instanceof Error error ? describe(error) : e));
    e.printStackTrace(commandLine.getErr());
    return LatentforgeException.Kind.INTERNAL.exitCode;
  }

  /** An Error a failed Spark task raised (the job's exception wraps it), or the exception itself. */
  private static Throwable rootError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FSError || t instanceof OutOfMemoryError) {
        return t;
      }
    }
    return e;
  }

  private static String configKeysFooter() {
    Config defaults = ConfigLoader.defaults();
    Map<String, String> keys = new TreeMap<>();
    defaults.entrySet().forEach(e -> keys.put(e.getKey(), e.getValue().render()));
    StringBuilder footer = new StringBuilder("%nConfig keys (--set key=value or --conf FILE) and defaults:%n");
    keys.forEach((k, v) -> footer.append("  ").append(k).append(" = ").append(v.replace("%", "%%")).append("%n"));
    return footer.append("See conf/latentforge.conf for what each key means.").toString();
  }
}
