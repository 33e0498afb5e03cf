package io.latentforge.fs;

import io.latentforge.LatentforgeException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Small files that appear whole or not at all, and renames that fail rather than overwrite: what
 * an exclusive lock needs. On the local file system through {@code java.nio} (Hadoop's local
 * rename overwrites, and its create checks for the file before opening it); on HDFS through
 * {@link FileContext}, whose rename without overwrite is one namenode operation. Object stores
 * have neither, so they are refused.
 */
public abstract class AtomicFiles {

  /** Schemes whose create and rename are atomic: the local file system and HDFS (also behind viewfs). */
  private static final Set<String> ATOMIC = Set.of("file", "hdfs", "viewfs");

  /** For files under {@code dir}; fails, naming the scheme, where renames are not atomic. */
  public static AtomicFiles under(Path dir, Configuration hadoop) {
    String scheme = dir.toUri().getScheme();
    if (scheme == null) {
      scheme = org.apache.hadoop.fs.FileSystem.getDefaultUri(hadoop).getScheme();
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!ATOMIC.contains(scheme)) {
      throw LatentforgeException.usage("Output root " + dir + " is on " + scheme + "://, where creating a file only "
              + "if absent and renaming without overwriting are not atomic, so neither the output lock nor the "
              + "publishing of a date could be trusted.",
          "write the output root to HDFS or a local (or NFS) path, and copy the published tables to the object "
              + "store from there.");
    }
    return scheme.equals("file") ? new Local() : new Hadoop(dir, hadoop);
  }

  /**
   * Writes {@code content} to a new file beside {@code target}, then makes it {@code target} in one
   * step unless {@code target} exists: readers never see it partly written. False when it exists.
   */
  public abstract boolean createComplete(Path target, byte[] content) throws IOException;

  /** Renames {@code from} to {@code to} (which must not exist); false when {@code from} does not exist. */
  public abstract boolean moveIfPresent(Path from, Path to) throws IOException;

  /** The file's bytes; null when it does not exist. */
  public abstract byte[] readIfPresent(Path file) throws IOException;

  public abstract void delete(Path file) throws IOException;

  public abstract void mkdirs(Path dir) throws IOException;

  private static Path sibling(Path target) {
    return new Path(target.getParent(), target.getName() + "." + UUID.randomUUID() + ".tmp");
  }

  /** The local file system: a hard link is the create-if-absent of a complete file (link(2) fails on EEXIST). */
  private static final class Local extends AtomicFiles {

    private static java.nio.file.Path nio(Path p) {
      return Paths.get(p.toUri().getPath());
    }

    @Override
    public boolean createComplete(Path target, byte[] content) throws IOException {
      java.nio.file.Path tmp = nio(sibling(target));
      try {
        Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.createLink(nio(target), tmp);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }

    @Override
    public boolean moveIfPresent(Path from, Path to) throws IOException {
      try {
        Files.move(nio(from), nio(to), StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (NoSuchFileException e) {
        return false;
      }
    }

    @Override
    public byte[] readIfPresent(Path file) throws IOException {
      try {
        return Files.readAllBytes(nio(file));
      } catch (NoSuchFileException e) {
        return null;
      }
    }

    @Override
    public void delete(Path file) throws IOException {
      Files.deleteIfExists(nio(file));
    }

    @Override
    public void mkdirs(Path dir) throws IOException {
      try {
        Files.createDirectories(nio(dir));
      } catch (java.nio.file.FileSystemException e) {
        for (java.nio.file.Path p = nio(dir); p != null; p = p.getParent()) {
          if (Files.isRegularFile(p)) {
            throw LatentforgeException.usage("Cannot create " + dir + ": " + p + " is a file, not a directory.",
                "choose an output path whose parents are directories.");
          }
        }
        throw e;
      }
    }
  }

  /** HDFS: a file written under a temporary name, then renamed without overwrite. */
  private static final class Hadoop extends AtomicFiles {
    private final FileContext fc;

    Hadoop(Path dir, Configuration hadoop) {
      try {
        this.fc = FileContext.getFileContext(dir.toUri(), hadoop);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot open the file system of " + dir, e);
      }
    }

    @Override
    public boolean createComplete(Path target, byte[] content) throws IOException {
      Path tmp = sibling(target);
      try {
        try (OutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
          out.write(content);
        }
        fc.rename(tmp, target, Options.Rename.NONE);
        return true;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return false;
      } finally {
        fc.delete(tmp, false);
      }
    }

    @Override
    public boolean moveIfPresent(Path from, Path to) throws IOException {
      try {
        fc.rename(from, to, Options.Rename.NONE);
        return true;
      } catch (FileNotFoundException e) {
        return false;
      }
    }

    @Override
    public byte[] readIfPresent(Path file) throws IOException {
      try (var in = fc.open(file)) {
        return in.readAllBytes();
      } catch (FileNotFoundException e) {
        return null;
      }
    }

    @Override
    public void delete(Path file) throws IOException {
      fc.delete(file, false);
    }

    @Override
    public void mkdirs(Path dir) throws IOException {
      fc.mkdir(dir, null, true);
    }
  }
}
