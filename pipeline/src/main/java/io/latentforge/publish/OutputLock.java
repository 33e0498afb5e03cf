package io.latentforge.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentforge.LatentforgeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per output root: {@code OUT/_lock}, created only if absent (atomic on HDFS), holding
 * who took it. A second run fails fast instead of interleaving its writes with the first. A lock
 * left by a process of this host that no longer runs is taken over, with a warning.
 */
public final class OutputLock implements AutoCloseable {

  public static final String LOCK_FILE = "_lock";
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path lock;

  private OutputLock(FileSystem fs, Path lock) {
    this.fs = fs;
    this.lock = lock;
  }

  public static OutputLock acquire(Configuration hadoop, String root, String holder) {
    Path lock = new Path(root, LOCK_FILE);
    try {
      FileSystem fs = lock.getFileSystem(hadoop);
      fs.mkdirs(lock.getParent());
      if (tryCreate(fs, lock, holder)) {
        return new OutputLock(fs, lock);
      }
      Map<?, ?> owner = read(fs, lock);
      if (isDeadLocalProcess(owner)) {
        LOG.warn("taking over {} left by process {} of this host, which is no longer running", lock, owner.get("pid"));
        fs.delete(lock, false);
        if (tryCreate(fs, lock, holder)) {
          return new OutputLock(fs, lock);
        }
        owner = read(fs, lock);
      }
      throw LatentforgeException.locked("Output root " + root + " is locked by " + owner.get("holder") + " on host "
              + owner.get("host") + " (pid " + owner.get("pid") + ") since " + owner.get("since") + ".",
          "wait for that run to finish; if it is no longer running, delete " + lock + ".");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + root, e);
    }
  }

  private static boolean tryCreate(FileSystem fs, Path lock, String holder) throws IOException {
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("holder", holder);
    owner.put("host", hostName());
    owner.put("pid", ProcessHandle.current().pid());
    owner.put("since", Instant.now().toString());
    try (OutputStream out = fs.create(lock, false)) {
      out.write(JSON.writeValueAsString(owner).getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  private static Map<?, ?> read(FileSystem fs, Path lock) {
    try (InputStream in = fs.open(lock)) {
      return JSON.readValue(in, Map.class);
    } catch (IOException e) {
      return Map.of("holder", "an unknown run", "host", "?", "pid", "?", "since", "?");
    }
  }

  private static boolean isDeadLocalProcess(Map<?, ?> owner) {
    if (!hostName().equals(owner.get("host")) || !(owner.get("pid") instanceof Number pid)) {
      return false;
    }
    return ProcessHandle.of(pid.longValue()).map(p -> !p.isAlive()).orElse(true);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    try {
      fs.delete(lock, false);
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", lock, e.getMessage());
    }
  }
}
