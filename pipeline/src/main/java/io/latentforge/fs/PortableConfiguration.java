package io.latentforge.fs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop configuration that tasks carry to the executors (Configuration is Writable, not
 * Serializable), so that they open the driver's file systems with the driver's settings.
 */
public final class PortableConfiguration implements Serializable {

  private final byte[] written;
  private transient Configuration conf;

  public PortableConfiguration(Configuration conf) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      conf.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.written = bytes.toByteArray();
    this.conf = conf;
  }

  public synchronized Configuration get() {
    if (conf == null) {
      Configuration read = new Configuration(false);
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(written))) {
        read.readFields(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      conf = read;
    }
    return conf;
  }
}
