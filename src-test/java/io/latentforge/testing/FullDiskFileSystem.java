package io.latentforge.testing;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FullDisk;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system with a full disk under every path containing {@link #FULL}: creating a
 * file there raises the {@code FSError} Hadoop raises on ENOSPC. Enabled for a session with
 * {@code fs.file.impl} (and {@code fs.file.impl.disable.cache}).
 */
public class FullDiskFileSystem extends LocalFileSystem {

  public static final String FULL = "_checkpoints";

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    if (f.toString().contains(FULL)) {
      throw FullDisk.error();
    }
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }
}
