package io.latentforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipFile;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Spark standalone master and workers, each its own JVM on 127.0.0.1, started from the
 * classpath a cluster provides (see {@link #sparkClasspath()}), without a Spark distribution. Applications submitted to it run their executors in further JVMs
 * started by the workers, which get every other class from the application's jar.
 */
public final class StandaloneCluster implements AutoCloseable {

  /**
   * The options of every JVM the tests start: conf/java17-options, the one list of the JVM options
   * Java 17 needs (surefire names the file), and the client compiler alone. These JVMs live a
   * minute or less and spend much of it compiling: without the optimizing compiler, KilledRerunTest
   * took 0.6 of the CPU time. (The test JVM itself runs the whole suite and keeps both compilers.)
   */
  public static final List<String> CHILD_JVM_OPTIONS = childJvmOptions();

  private final Path dir;
  private final String classpath;
  private final int port;
  private final List<Process> processes = new ArrayList<>();

  private StandaloneCluster(Path dir, String classpath, int port) {
    this.dir = dir;
    this.classpath = classpath;
    this.port = port;
  }

  /** Starts a master and {@code workers} one-core workers and waits until all have registered. */
  public static StandaloneCluster start(Path dir, int workers, String workerMemory) throws Exception {
    return start(dir, workers, workerMemory, false);
  }

  /**
   * As {@link #start(Path, int, String)}; with {@code twoHostNames} every second worker registers as
   * {@code localhost} (still the loopback interface), so Spark sees two hosts: it never runs a
   * speculative copy of a task on the host where the task already runs.
   */
  public static StandaloneCluster start(Path dir, int workers, String workerMemory, boolean twoHostNames)
      throws Exception {
    StandaloneCluster cluster = new StandaloneCluster(dir, sparkClasspath(), freePort());
    try {
      cluster.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          String.valueOf(cluster.port), "--webui-port", String.valueOf(freePort()));
      for (int i = 1; i <= workers; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i + "-work"));
        String host = twoHostNames && i % 2 == 0 ? "localhost" : "127.0.0.1";
        cluster.launch("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", host, "--cores", "1",
            "--memory", workerMemory, "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString(),
            cluster.masterUrl());
      }
      cluster.awaitLog("master", "Registering worker", workers, Duration.ofSeconds(90));
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /**
   * What a cluster provides: the jobs' full classpath (jobs/target/classpath.txt) without the jars
   * bundled into the shaded jar, i.e. Spark, Hadoop, Scala and the libraries the jar leaves to them.
   */
  public static synchronized String sparkClasspath() throws IOException {
    if (sparkClasspath == null) {
      Set<String> bundled = entries(Path.of(System.getProperty("latentforge.jobJar")));
      List<String> provided = new ArrayList<>();
      for (String jar : Files.readString(Path.of(System.getProperty("latentforge.fullClasspath"))).trim().split(":")) {
        if (!jar.isEmpty() && !isBundled(Path.of(jar), bundled)) {
          provided.add(jar);
        }
      }
      sparkClasspath = String.join(":", provided);
    }
    return sparkClasspath;
  }

  private static String sparkClasspath;

  /** A jar is bundled when the shaded jar holds its classes. */
  private static boolean isBundled(Path jar, Set<String> shaded) throws IOException {
    long classes = 0;
    long inShaded = 0;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (var e = zip.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
          classes++;
          inShaded += shaded.contains(name) ? 1 : 0;
        }
      }
    }
    return classes > 0 && inShaded * 2 > classes;
  }

  private static Set<String> entries(Path jar) throws IOException {
    Set<String> names = new HashSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().forEach(e -> names.add(e.getName()));
    }
    return names;
  }

  /** The environment a Spark JVM started without a distribution needs. */
  public static Map<String, String> sparkEnvironment(Path home) {
    return Map.of("SPARK_SCALA_VERSION", "2.12", "SPARK_TESTING", "1", "SPARK_HOME", home.toString(),
        "SPARK_LOCAL_IP", "127.0.0.1", "OMP_NUM_THREADS", "1");
  }

  /**
   * Runs deploy/submit.sh in client mode against this cluster, with a spark-submit that starts
   * SparkSubmit from the cluster's classpath; the driver's output goes to {@code log}.
   */
  public Process submit(Path workDir, Path log, String... command) throws Exception {
    return submit(workDir, log, List.of(), command);
  }

  /** As {@link #submit(Path, Path, String...)} with more spark-submit options (e.g. --conf k=v). */
  public Process submit(Path workDir, Path log, List<String> sparkOptions, String... command) throws Exception {
    Path home = Files.createDirectories(workDir.resolve("driver-home"));
    Path sparkSubmit = workDir.resolve("spark-submit");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(sparkSubmit, "#!/usr/bin/env bash\nexec " + java + " -Xmx2g "
        + String.join(" ", CHILD_JVM_OPTIONS) + " -Dspark.testing=true -Dspark.test.home=" + home
        + " -cp '" + sparkClasspath() + "' org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    Files.setPosixFilePermissions(sparkSubmit, PosixFilePermissions.fromString("rwx------"));

    Path root = Path.of(System.getProperty("latentforge.root"));
    List<String> args = new ArrayList<>(List.of(root.resolve("deploy/submit.sh").toString(),
        "--master", masterUrl(), "--deploy-mode", "client", "--executor-memory", "1g",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.extraClassPath=" + sparkClasspath()));
    args.addAll(sparkOptions);
    args.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(sparkEnvironment(home));
    pb.environment().put("SPARK_SUBMIT", sparkSubmit.toString());
    pb.environment().put("LATENTFORGE_JAR", System.getProperty("latentforge.jobJar"));
    pb.environment().put("LATENTFORGE_OFFHEAP", "1G");
    pb.environment().put("LATENTFORGE_PHYSICAL", "3G");
    return pb.start();
  }

  /** SIGKILLs one live executor JVM the workers started; its pid, or empty when none is running. */
  public java.util.Optional<Long> killAnExecutor() {
    // The workers' only children are the executor JVMs they start (their command lines, with the
    // whole classpath, are too long for ProcessHandle.Info to show).
    java.util.Optional<ProcessHandle> executor = processes.stream().flatMap(Process::children)
        .filter(ProcessHandle::isAlive).findFirst();
    executor.ifPresent(ProcessHandle::destroyForcibly);
    return executor.map(ProcessHandle::pid);
  }

  /** The stderr of every executor the workers started, one file per executor JVM. */
  public List<Path> executorLogs() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().equals("stderr") && p.toString().contains("/app-")).toList();
    }
  }

  private void launch(String name, String mainClass, String... args) throws IOException {
    Path home = Files.createDirectories(dir.resolve("spark-home"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dspark.testing=true", "-Dspark.test.home=" + home));
    command.addAll(CHILD_JVM_OPTIONS);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().putAll(sparkEnvironment(home));
    processes.add(pb.start());
  }

  private void awaitLog(String name, String line, int times, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path log = dir.resolve(name + ".log");
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readAllLines(log).stream().filter(l -> l.contains(line)).count() >= times) {
        return;
      }
      if (processes.stream().anyMatch(p -> !p.isAlive())) {
        break;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the standalone cluster did not start: expected " + times + " x '" + line + "' in "
        + log + ":\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads a file or returns why not; for failure messages. */
  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> childJvmOptions() {
    Path file = Path.of(System.getProperty("latentforge.java17-options", "../conf/java17-options"));
    try {
      List<String> options = new ArrayList<>(List.of(Files.readString(file).trim().split("\\s+")));
      options.add("-XX:TieredStopAtLevel=1");
      return List.copyOf(options);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the Java 17 options in " + file, e);
    }
  }
}
