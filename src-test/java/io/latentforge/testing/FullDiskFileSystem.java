package io.latentforge.testing;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FullDisk;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system with a full disk under every path containing the Hadoop setting
 * {@link #FULL} (e.g. "_checkpoints"): creating a file there raises the {@code FSError} Hadoop
 * raises on ENOSPC. Enabled for a session with {@code fs.file.impl} (and
 * {@code fs.file.impl.disable.cache}); tasks get it with the session's Hadoop settings.
 */
public class FullDiskFileSystem extends LocalFileSystem {

  public static final String FULL = "latentforge.test.full-disk-under";

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    String full = getConf().get(FULL);
    if (full != null && f.toString().contains(full)) {
      throw FullDisk.error();
    }
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }
}
