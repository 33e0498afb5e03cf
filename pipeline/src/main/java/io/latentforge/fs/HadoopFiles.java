package io.latentforge.fs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Whole-file writes on any Hadoop file system: written beside the final name, then renamed into
 * place, so a reader never sees half a file.
 */
public final class HadoopFiles {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HadoopFiles() {}

  /** What to write into the file. */
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code target} atomically and returns the SHA-256 (hex) of what was written. */
  public static String write(Configuration hadoop, Path target, Body body) {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(hadoop);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (OutputStream out = new DigestOutputStream(fs.create(tmp, true), sha)) {
        body.writeTo(out);
      }
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot replace " + target);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How a file's contents become a value; {@code where} names the file in errors. */
  public interface Parser<T> {
    T parse(InputStream in, String where) throws IOException;
  }

  /** Whether {@code path} exists. */
  public static boolean exists(Configuration hadoop, Path path) {
    try {
      return path.getFileSystem(hadoop).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + path, e);
    }
  }

  /** {@code source} parsed, or null when it does not exist. */
  public static <T> T readIfExists(Configuration hadoop, Path source, Parser<T> parser) {
    try {
      FileSystem fs = source.getFileSystem(hadoop);
      if (!fs.exists(source)) {
        return null;
      }
      try (InputStream in = fs.open(source)) {
        return parser.parse(in, source.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source, e);
    }
  }

  /** Writes a value as indented JSON, atomically; returns the SHA-256 (hex) of what was written. */
  public static String writeJson(Configuration hadoop, Path target, Object value) {
    return write(hadoop, target, out -> out.write(JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8)));
  }
}
