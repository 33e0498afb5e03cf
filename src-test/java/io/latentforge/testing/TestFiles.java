package io.latentforge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of output roots, so one published state can be the start of several runs; the JSON files runs write. */
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

  /** A JSON file (a manifest, metrics.json, model.json) as a tree. */
  public static JsonNode json(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }
}
