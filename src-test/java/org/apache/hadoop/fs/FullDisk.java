package org.apache.hadoop.fs;

import java.io.IOException;

/**
 * The error Hadoop's local file system raises when a write fails with "No space left on device":
 * an {@link FSError}, a Java {@code Error}. Its constructor is package-private, hence this class.
 */
public final class FullDisk {

  private FullDisk() {}

  public static FSError error() {
    return new FSError(new IOException("No space left on device"));
  }
}
