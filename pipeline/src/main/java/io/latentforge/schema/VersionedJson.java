package io.latentforge.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentforge.LatentforgeException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The JSON files latentforge writes beside its data (model cards, partition manifests, checkpoint
 * state) carry a {@code format_version}: a release reads the versions it knows and refuses a newer
 * one by name, before binding fields whose meaning may have changed. Files written before versions
 * existed are version 1.
 */
public final class VersionedJson {

  public static final String FORMAT_VERSION = "format_version";

  private static final ObjectMapper JSON = new ObjectMapper();

  private VersionedJson() {}

  /** Reads {@code in} as a {@code type} of at most version {@code current}; {@code where} names it in errors. */
  public static <T> T read(InputStream in, Class<T> type, int current, String where) throws IOException {
    JsonNode tree = JSON.readTree(in);
    if (tree == null || !tree.isObject()) {
      throw new IOException(where + " is not a JSON object");
    }
    int version = tree.path(FORMAT_VERSION).asInt(1);
    if (version > current) {
      throw LatentforgeException.badInput(where + " has " + FORMAT_VERSION + " " + version + ", newer than the "
              + current + " this latentforge reads.",
          "read it with the latentforge release that wrote it, or a newer one.");
    }
    ((ObjectNode) tree).put(FORMAT_VERSION, version);
    return JSON.treeToValue(tree, type);
  }
}
