package io.latentforge.publish;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentforge.LatentforgeException;
import io.latentforge.fs.AtomicFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per output root: {@code OUT/_lock}, holding who took it, appears only whole and only
 * if absent ({@link AtomicFiles#createComplete}), so of any number of runs starting at once exactly
 * one holds it. A lock left by a process of this host that no longer runs is taken over under a
 * claim only one taker can win ({@link #takeOver}). Each lock has a token of its own, and a run
 * checks that its lock is still there ({@link #requireHeld}) before it publishes anything.
 */
public final class OutputLock implements AutoCloseable {

  public static final String LOCK_FILE = "_lock";
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Rounds of create, read and takeover before giving up on a lock that keeps changing hands. */
  private static final int ATTEMPTS = 5;
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final AtomicFiles files;
  private final Path lock;
  private final byte[] mine;
  private final String runId;

  private OutputLock(AtomicFiles files, Path lock, byte[] mine, String runId) {
    this.files = files;
    this.lock = lock;
    this.mine = mine;
    this.runId = runId;
  }

  /**
   * The run holding this lock, e.g. {@code 20261130T154900Z-1a2b3c4d}: unique (the lock's token)
   * and sorting by start time; it names the run's staging, its intent and its own area.
   */
  public String runId() {
    return runId;
  }

  /** Who holds a lock; {@code token} tells two locks of the same holder apart (absent in old lock files). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Owner(@JsonProperty("holder") String holder, @JsonProperty("host") String host,
      @JsonProperty("pid") Long pid, @JsonProperty("since") String since, @JsonProperty("token") String token) {

    static final Owner UNKNOWN = new Owner("an unknown run", "?", null, "?", null);

    static Owner parse(byte[] json) {
      try {
        return JSON.readValue(json, Owner.class);
      } catch (IOException e) {
        return UNKNOWN;
      }
    }

    boolean isDeadLocalProcess() {
      return pid != null && hostName().equals(host) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
  }

  public static OutputLock acquire(Configuration hadoop, String root, String holder) {
    Path lock = new Path(root, LOCK_FILE);
    AtomicFiles files = AtomicFiles.under(lock.getParent(), hadoop);
    Instant now = Instant.now();
    String token = UUID.randomUUID().toString();
    byte[] mine = json(new Owner(holder, hostName(), ProcessHandle.current().pid(), now.toString(), token));
    String runId = RUN_ID_TIME.format(now) + "-" + token.substring(0, 8);
    try {
      files.mkdirs(lock.getParent());
      Owner owner = Owner.UNKNOWN;
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (files.createComplete(lock, mine)) {
          return new OutputLock(files, lock, mine, runId);
        }
        byte[] theirs = files.readIfPresent(lock);
        if (theirs == null) {
          continue; // released between our create and our read
        }
        owner = Owner.parse(theirs);
        if (!owner.isDeadLocalProcess()) {
          break;
        }
        takeOver(files, lock, theirs, owner, mine);
      }
      throw LatentforgeException.locked("Output root " + root + " is locked by " + owner.holder() + " on host "
              + owner.host() + " (pid " + (owner.pid() == null ? "?" : owner.pid()) + ") since " + owner.since() + ".",
          "wait for that run to finish; if it is no longer running, delete " + lock + ".");
    } catch (IOException | FSError e) {
      throw LatentforgeException.internal("Cannot take the lock " + lock + ": " + e.getMessage() + ". No lock was "
          + "left behind; check that " + root + " is a writable directory with free space, then rerun.", e);
    }
  }

  /**
   * Removes the stale lock under a claim on it: a file named by the stale lock's digest, which only
   * one taker can create. While it holds the claim nobody else can remove the stale lock, so when
   * the lock still is the stale one, deleting it cannot delete a lock taken in the meantime; a
   * taker that read the same stale lock but claims it later finds another lock there and leaves it.
   */
  private static void takeOver(AtomicFiles files, Path lock, byte[] stale, Owner owner, byte[] mine)
      throws IOException {
    Path claim = new Path(lock.getParent(), LOCK_FILE + ".takeover-" + digest(stale));
    if (!files.createComplete(claim, mine)) {
      return;
    }
    try {
      if (Arrays.equals(files.readIfPresent(lock), stale)) {
        LOG.warn("taking over {} left by process {} of this host, which is no longer running", lock, owner.pid());
        files.delete(lock);
      }
    } finally {
      files.delete(claim);
    }
  }

  private static String digest(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fails when this run's lock is gone or replaced: a run publishes nothing without its lock. */
  public void requireHeld() {
    byte[] now;
    try {
      now = files.readIfPresent(lock);
    } catch (IOException e) {
      throw LatentforgeException.internal("Cannot read the lock " + lock + ": " + e.getMessage(), e);
    }
    if (!Arrays.equals(now, mine)) {
      Owner owner = now == null ? null : Owner.parse(now);
      throw LatentforgeException.locked("This run's lock " + lock + " was " + (owner == null ? "removed"
              : "taken over by " + owner.holder() + " on host " + owner.host() + " (pid " + owner.pid() + ")")
              + " while the run held it; it publishes nothing more.",
          "make sure only one run at a time writes to this output root, then rerun the date.");
    }
  }

  private static byte[] json(Owner owner) {
    try {
      return JSON.writeValueAsBytes(owner);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Removes the lock, if it is still this run's. */
  @Override
  public void close() {
    try {
      if (Arrays.equals(files.readIfPresent(lock), mine)) {
        files.delete(lock);
      } else {
        LOG.warn("not removing {}: it is no longer this run's lock", lock);
      }
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", lock, e.getMessage());
    }
  }
}
