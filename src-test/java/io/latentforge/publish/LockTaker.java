package io.latentforge.publish;

import io.latentforge.LatentforgeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/**
 * One JVM of {@link OutputLockTest}'s race: each round it waits for the round's start signal,
 * tries to take the lock, marks a win, holds the lock briefly and releases it, then marks the round
 * done; the test starts the next round when every JVM is done. A winner holds the lock until every
 * taker has tried. Args: output root, signal directory, taker id, rounds, takers.
 */
public final class LockTaker {

  private LockTaker() {}

  public static void main(String[] args) throws Exception {
    String root = args[0];
    Path signals = Path.of(args[1]);
    String id = args[2];
    int rounds = Integer.parseInt(args[3]);
    Configuration hadoop = new Configuration();
    // Classes loaded before the first round, so the takers of a round race within a millisecond.
    OutputLock.acquire(hadoop, Files.createTempDirectory("lock-warm-up").toString(), "warm-up").close();
    int takers = Integer.parseInt(args[4]);
    for (int round = 0; round < rounds; round++) {
      Path go = signals.resolve("go-" + round);
      while (!Files.exists(go)) {
        Thread.sleep(0, 200_000);
      }
      OutputLock lock = null;
      try {
        lock = OutputLock.acquire(hadoop, root, "taker " + id);
        Files.createFile(signals.resolve("won-" + round + "-" + id));
      } catch (LatentforgeException e) {
        if (e.kind() != LatentforgeException.Kind.OUTPUT_LOCKED) {
          throw e;
        }
      }
      Files.createFile(signals.resolve("tried-" + round + "-" + id));
      if (lock != null) {
        // Held until every taker has tried, so a second winner would have overlapped this one.
        awaitAll(signals, "tried-" + round + "-", takers);
        lock.requireHeld();
        lock.close();
      }
      Files.createFile(signals.resolve("done-" + round + "-" + id));
    }
  }

  private static void awaitAll(Path signals, String prefix, int count) throws Exception {
    while (true) {
      try (var files = Files.list(signals)) {
        if (files.filter(p -> p.getFileName().toString().startsWith(prefix)).count() >= count) {
          return;
        }
      }
      Thread.sleep(1);
    }
  }
}
