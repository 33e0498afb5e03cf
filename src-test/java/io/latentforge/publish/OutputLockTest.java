package io.latentforge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.testing.StandaloneCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output lock under contention: many takers at the same moment, threads of one JVM and
 * separate JVMs, from an empty output root and from a stale lock, must leave exactly one holder
 * every round.
 */
class OutputLockTest {

  private static final int THREADS = 8;
  private static final int ROUNDS = 200;
  private static final int JVMS = 4;
  private static final int JVM_ROUNDS = 40;
  private static long deadPid;
  /** One for every taker, as a run has one: a Configuration each would be most of the race's time. */
  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path dir;

  @BeforeAll
  static void aProcessThatHasEnded() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    deadPid = ended.pid();
  }

  /** A lock as a crashed run of this host leaves it (the format before lock tokens existed). */
  static void writeStaleLock(Path root) throws IOException {
    Files.writeString(root.resolve(OutputLock.LOCK_FILE), "{\"holder\":\"nightly crashed\",\"host\":\""
        + InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + deadPid + ",\"since\":\"2026-01-01T00:00:00Z\"}");
  }

  @Test
  void threadsRacingForTheLockLeaveExactlyOneHolderEveryRound() throws Exception {
    Path root = Files.createDirectories(dir.resolve("out"));
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (boolean stale : new boolean[] {false, true}) {
        for (int round = 0; round < ROUNDS; round++) {
          if (stale) {
            writeStaleLock(root);
          }
          assertThat(race(pool, root.toString())).as("holders in round %d, %s", round, stale ? "from stale" : "from empty")
              .isEqualTo(1);
          try (Stream<Path> left = Files.list(root)) {
            assertThat(left).as("nothing left after the round").isEmpty();
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every thread takes the lock at once; the holder checks it still holds it, then releases it. */
  private static int race(ExecutorService pool, String root) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    CyclicBarrier taken = new CyclicBarrier(THREADS);
    AtomicInteger holders = new AtomicInteger();
    List<Future<?>> takers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      takers.add(pool.submit(() -> {
        start.await();
        OutputLock lock = null;
        try {
          lock = OutputLock.acquire(HADOOP, root, "taker");
          holders.incrementAndGet();
        } catch (LatentforgeException e) {
          assertThat(e.kind()).isEqualTo(LatentforgeException.Kind.OUTPUT_LOCKED);
        }
        taken.await();
        if (lock != null) {
          lock.requireHeld();
          lock.close();
        }
        return null;
      }));
    }
    for (Future<?> taker : takers) {
      taker.get(30, TimeUnit.SECONDS);
    }
    return holders.get();
  }

  @Test
  void separateJvmsRacingForTheLockLeaveExactlyOneHolderEveryRound() throws Exception {
    Path root = Files.createDirectories(dir.resolve("out"));
    Path signals = Files.createDirectories(dir.resolve("signals"));
    List<Process> jvms = new ArrayList<>();
    try {
      for (int j = 0; j < JVMS; j++) {
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(StandaloneCluster.CHILD_JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LockTaker.class.getName(),
            root.toString(), signals.toString(), Integer.toString(j), Integer.toString(JVM_ROUNDS),
            Integer.toString(JVMS)));
        jvms.add(new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("taker-" + j + ".log").toFile()).start());
      }
      for (int r = 0; r < JVM_ROUNDS; r++) {
        int round = r;
        boolean stale = round % 2 == 1;
        if (stale) {
          writeStaleLock(root);
        }
        Files.createFile(signals.resolve("go-" + round));
        awaitFiles(signals, "done-" + round + "-", JVMS, jvms);
        try (Stream<Path> won = Files.list(signals)) {
          assertThat(won.filter(p -> p.getFileName().toString().startsWith("won-" + round + "-")))
              .as("holders in round %d, %s", round, stale ? "from stale" : "from empty").hasSize(1);
        }
      }
      for (Process jvm : jvms) {
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).isZero();
      }
    } finally {
      jvms.forEach(Process::destroyForcibly);
    }
  }

  private static void awaitFiles(Path signals, String prefix, int count, List<Process> jvms) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(signals)) {
        if (files.filter(p -> p.getFileName().toString().startsWith(prefix)).count() == count) {
          return;
        }
      }
      assertThat(jvms).as("taker JVMs alive").allMatch(Process::isAlive);
      Thread.sleep(2);
    }
    throw new AssertionError("timed out waiting for " + prefix + "*");
  }

  @Test
  void aRunWhoseLockWasReplacedPublishesNothingAndLeavesTheOtherLock() throws Exception {
    Path root = Files.createDirectories(dir.resolve("out"));
    OutputLock lock = OutputLock.acquire(new Configuration(), root.toString(), "nightly first");
    lock.requireHeld();
    Files.writeString(root.resolve(OutputLock.LOCK_FILE), "{\"holder\":\"nightly second\",\"host\":\"h\",\"pid\":1}");
    assertThatThrownBy(lock::requireHeld).isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("was taken over by nightly second on host h (pid 1)", "publishes nothing");
    lock.close();
    assertThat(Files.readString(root.resolve(OutputLock.LOCK_FILE))).contains("nightly second");
  }

  @Test
  void anOutputRootUnderARegularFileFailsClearlyAndLeavesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    assertThatThrownBy(() -> OutputLock.acquire(new Configuration(), file.resolve("out").toString(), "nightly"))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining(file + " is a file, not a directory", "parents are directories")
        .satisfies(e -> assertThat(((LatentforgeException) e).kind()).isEqualTo(LatentforgeException.Kind.USAGE));
    assertThat(Files.readString(file)).isEqualTo("not a directory");
  }

  @Test
  void aFailureWhileTakingTheLockSaysSoAndLeavesNoLockFile() throws Exception {
    Path root = Files.createDirectories(dir.resolve("odd"));
    // Something that is not a lock file where the lock goes: reading it fails as a full disk's write would.
    Files.createDirectories(root.resolve(OutputLock.LOCK_FILE));
    assertThatThrownBy(() -> OutputLock.acquire(new Configuration(), root.toString(), "nightly"))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("Cannot take the lock", "No lock was left behind", "free space")
        .satisfies(e -> assertThat(((LatentforgeException) e).kind()).isEqualTo(LatentforgeException.Kind.INTERNAL));
    try (Stream<Path> left = Files.list(root)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly(OutputLock.LOCK_FILE);
    }
    assertThat(root.resolve(OutputLock.LOCK_FILE)).isDirectory().isEmptyDirectory();
  }

  @Test
  void objectStoreOutputRootsAreRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> OutputLock.acquire(new Configuration(), "s3a://bucket/latent", "nightly"))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("s3a://", "not atomic", "HDFS or a local");
  }
}
