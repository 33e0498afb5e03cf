package io.latentforge.fs;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Publishes a fully written staging directory in place of a target directory with two renames
 * (target aside to {@code _trash}, staging into place), each atomic on HDFS and local file
 * systems. Readers see the old directory or the new one, never a mix; if the process dies between
 * the renames, the next {@link #recover} puts the old directory back.
 */
public final class DirectorySwap {

  public static final String STAGING = "_staging";
  public static final String TRASH = "_trash";

  private final FileSystem fs;
  private final Path parent;

  /** @param parent the directory holding targets, their {@code _staging/} and {@code _trash/} */
  public DirectorySwap(FileSystem fs, Path parent) {
    this.fs = fs;
    this.parent = parent;
  }

  /** A fresh staging path for {@code name}, under {@code parent/_staging/} (hidden from Spark readers). */
  public Path staging(String name) {
    return new Path(new Path(parent, STAGING), name + "-" + UUID.randomUUID());
  }

  /** Restores {@code name} from the trash when a previous swap stopped between its two renames. */
  public void recover(String name) throws IOException {
    Path target = new Path(parent, name);
    Path trash = new Path(parent, TRASH);
    if (fs.exists(target) || !fs.exists(trash)) {
      return;
    }
    for (FileStatus aside : fs.listStatus(trash)) {
      if (aside.getPath().getName().startsWith(name + "-")) {
        fs.rename(aside.getPath(), target);
        return;
      }
    }
  }

  /** Replaces {@code name} with {@code staged}; {@code staged == null} removes it. */
  public void publish(Path staged, String name) throws IOException {
    Path target = new Path(parent, name);
    Path aside = new Path(new Path(parent, TRASH), name + "-" + UUID.randomUUID());
    if (fs.exists(target)) {
      fs.mkdirs(aside.getParent());
      if (!fs.rename(target, aside)) {
        throw new IOException("cannot move " + target + " aside to " + aside);
      }
    }
    if (staged != null && !fs.rename(staged, target)) {
      throw new IOException("cannot rename " + staged + " to " + target);
    }
    fs.delete(aside, true);
    deleteIfEmpty(new Path(parent, TRASH));
    deleteIfEmpty(new Path(parent, STAGING));
  }

  public void discard(Path staged) {
    try {
      fs.delete(staged, true);
      deleteIfEmpty(new Path(parent, STAGING));
    } catch (IOException e) {
      // Best effort: a leftover under _staging/ is invisible to readers.
    }
  }

  private void deleteIfEmpty(Path dir) throws IOException {
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }
}
