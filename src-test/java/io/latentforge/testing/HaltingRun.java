package io.latentforge.testing;

import io.latentforge.FaultHook;
import io.latentforge.jobs.Main;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A latentforge command in a JVM of its own that halts dead (exit 137) at a {@link FaultHook} point. */
public final class HaltingRun {

  private HaltingRun() {}

  /** Runs {@code args} (local[2]), its output to {@code log}; the exit code, or -1 after five minutes. */
  public static int run(String point, Path log, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-D" + FaultHook.PROPERTY + "=" + point, "-Dspark.master=local[2]", "-Dspark.ui.enabled=false"));
    command.addAll(StandaloneCluster.CHILD_JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = pb.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }
}
