package io.latentforge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of output roots, so one published state can be the start of several runs. */
public final class TestFiles {

  private TestFiles() {}

  /** Copies the directory tree {@code from} to {@code to}, which must not exist. */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path source : all.toList()) {
        Files.copy(source, to.resolve(from.relativize(source).toString()));
      }
    }
  }
}
