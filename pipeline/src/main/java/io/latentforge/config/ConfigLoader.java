package io.latentforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.latentforge.LatentforgeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Layers configuration: {@code --set} pairs over a {@code --conf} file over the packaged defaults
 * ({@code conf/latentforge.conf}), rejecting any key the defaults do not declare.
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "latentforge.conf";

  private ConfigLoader() {}

  /** Loads and validates; {@code confFile} may be null. */
  public static LatentforgeConfig load(Path confFile, List<String> setPairs) {
    Config defaults = defaults();
    Config merged = defaults;
    if (confFile != null) {
      Config fromFile = parseFile(confFile);
      checkKnownKeys(fromFile, defaults, "--conf " + confFile);
      merged = fromFile.withFallback(merged);
    }
    for (String pair : setPairs) {
      Config one = parseSet(pair);
      checkKnownKeys(one, defaults, "--set " + pair);
      merged = one.withFallback(merged);
    }
    return LatentforgeConfig.from(merged.resolve());
  }

  public static Config defaults() {
    Config config = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return config.resolve();
  }

  private static Config parseFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw LatentforgeException.usage("Config file " + file + " does not exist or is not a file.",
          "pass the path of a HOCON file to --conf.");
    }
    try {
      return ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException e) {
      throw LatentforgeException.usage("Config file " + file + " is not valid HOCON: " + e.getMessage(),
          "fix the syntax at the line shown.");
    }
  }

  static Config parseSet(String pair) {
    int eq = pair.indexOf('=');
    if (eq <= 0) {
      throw LatentforgeException.usage("--set expects key=value, got '" + pair + "'.",
          "write it as e.g. --set model.code-size=16.");
    }
    String key = pair.substring(0, eq).trim();
    String value = pair.substring(eq + 1).trim();
    Object parsed;
    try {
      parsed = ConfigFactory.parseString("v = " + value).getValue("v").unwrapped();
    } catch (ConfigException e) {
      // Not a HOCON value (e.g. local[2]): take it verbatim as a string.
      parsed = value;
    }
    try {
      return ConfigFactory.parseMap(Map.of(key, parsed), "--set " + pair);
    } catch (ConfigException e) {
      throw LatentforgeException.usage("--set " + pair + ": '" + key + "' is not a valid key (" + e.getMessage() + ").",
          "keys are dotted names such as model.code-size.");
    }
  }

  static void checkKnownKeys(Config user, Config defaults, String source) {
    for (String key : user.entrySet().stream().map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new))) {
      if (key.equals("model.signing-key")) {
        throw LatentforgeException.usage("model.signing-key cannot be set from " + source + ": the configuration is "
            + "copied into every model card, so a key there would be published.",
            "set the environment variable LATENTFORGE_MODEL_SIGNING_KEY of the driver instead.");
      }
      if (!defaults.hasPath(key)) {
        throw LatentforgeException.usage("Unknown config key '" + key + "' (from " + source + ")."
            + suggestion(key, defaults), "see the keys and defaults listed by `latentforge nightly --help` (conf/latentforge.conf).");
      }
    }
  }

  private static String suggestion(String key, Config defaults) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, ?> e : defaults.entrySet()) {
      int d = levenshtein(key, e.getKey());
      if (d < bestDistance) {
        bestDistance = d;
        best = e.getKey();
      }
    }
    String parent = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "";
    String siblings = parent.isEmpty() || !defaults.hasPath(parent) ? ""
        : " Keys under '" + parent + "': " + new TreeSet<>(defaults.getConfig(parent).root().keySet()) + ".";
    String didYouMean = best != null && bestDistance <= 3 ? " Did you mean '" + best + "'?" : "";
    return didYouMean + siblings;
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
