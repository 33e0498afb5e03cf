package io.latentforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.latentforge.LatentforgeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Typed getters over one section of the configuration (e.g. {@code train}), which turn Typesafe's
 * exceptions into messages naming the full key, the value received and what is valid. Each
 * settings record reads its own section through one.
 */
final class ConfigReader {

  private final Config root;
  private final String prefix;

  ConfigReader(Config root) {
    this(root, "");
  }

  private ConfigReader(Config root, String prefix) {
    this.root = root;
    this.prefix = prefix;
  }

  /** The reader of a subsection, e.g. {@code section("train")} then {@code intAtLeast("epochs", 1)}. */
  ConfigReader section(String name) {
    return new ConfigReader(root, prefix + name + ".");
  }

  boolean isAuto(String key) {
    return "auto".equals(root.getValue(prefix + key).unwrapped());
  }

  boolean bool(String key) {
    return get(key, k -> root.getBoolean(k));
  }

  List<String> stringList(String key) {
    return List.copyOf(get(key, k -> root.getStringList(k)));
  }

  long longValue(String key) {
    return get(key, k -> root.getLong(k));
  }

  String string(String key) {
    return get(key, k -> {
      String v = root.getString(k);
      if (v.isBlank()) {
        throw bad(key, "\"\"", "a non-empty string");
      }
      return v;
    });
  }

  int intAtLeast(String key, int min) {
    int v = get(key, k -> root.getInt(k));
    if (v < min) {
      throw bad(key, v, "an integer >= " + min);
    }
    return v;
  }

  int intBetween(String key, int min, int max) {
    int v = get(key, k -> root.getInt(k));
    if (v < min || v > max) {
      throw bad(key, v, "an integer from " + min + " to " + max);
    }
    return v;
  }

  String tableName(String key) {
    String v = get(key, k -> root.getString(k));
    if (!v.isEmpty() && !v.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
      throw bad(key, "\"" + v + "\"", "a table name such as codes or db.codes, or \"\" for none");
    }
    return v;
  }

  long longAtLeast(String key, long min) {
    long v = get(key, k -> root.getLong(k));
    if (v < min) {
      throw bad(key, v, "an integer >= " + min);
    }
    return v;
  }

  double fractionOrZero(String key) {
    double v = get(key, k -> root.getDouble(k));
    if (!(v >= 0 && v <= 1)) {
      throw bad(key, v, "a fraction from 0 to 1");
    }
    return v;
  }

  double fraction(String key) {
    double v = get(key, k -> root.getDouble(k));
    if (!(v > 0 && v <= 1)) {
      throw bad(key, v, "a fraction in (0, 1]");
    }
    return v;
  }

  /** A size as the JVM and Spark write it: digits and an optional k, m, g or t. */
  String byteSize(String key) {
    String v = get(key, k -> root.getString(k));
    if (!v.matches("\\d+[kKmMgGtT]?")) {
      throw bad(key, "\"" + v + "\"", "a size such as 512m, 4G or 12g");
    }
    return v;
  }

  /** A duration as HOCON writes it (e.g. 7d, 12h, 0s), not negative. */
  java.time.Duration duration(String key) {
    java.time.Duration v;
    try {
      v = get(key, k -> root.getDuration(k));
    } catch (ConfigException.BadValue e) {
      throw bad(key, "\"" + root.getString(prefix + key) + "\"", "a duration such as 7d, 12h or 0s");
    }
    if (v.isNegative()) {
      throw bad(key, v, "a duration of 0 or more, such as 7d, 12h or 0s");
    }
    return v;
  }

  double fractionBelowOne(String key) {
    double v = get(key, k -> root.getDouble(k));
    if (!(v >= 0 && v < 1)) {
      throw bad(key, v, "a fraction from 0 (inclusive) to 1 (exclusive)");
    }
    return v;
  }

  double nonNegativeDouble(String key) {
    double v = get(key, k -> root.getDouble(k));
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw bad(key, v, "a number >= 0");
    }
    return v;
  }

  List<Integer> intList(String key, int min) {
    List<Integer> v = get(key, k -> root.getIntList(k));
    if (v.stream().anyMatch(i -> i < min)) {
      throw bad(key, v, "a list of integers >= " + min);
    }
    return List.copyOf(v);
  }

  /** A positive number, or {@code off} (null). */
  Double positiveOrOff(String key) {
    if ("off".equals(root.getValue(prefix + key).unwrapped())) {
      return null;
    }
    double v;
    try {
      v = root.getDouble(prefix + key);
    } catch (ConfigException.WrongType e) {
      throw bad(key, root.getValue(prefix + key).unwrapped(), "a positive number or off");
    }
    if (!(v > 0) || Double.isInfinite(v)) {
      throw bad(key, v, "a positive number or off");
    }
    return v;
  }

  double positiveDouble(String key) {
    double v = get(key, k -> root.getDouble(k));
    if (!(v > 0) || Double.isInfinite(v)) {
      throw bad(key, v, "a positive number");
    }
    return v;
  }

  <T> T oneOf(String key, List<T> allowed, Function<String, T> parse) {
    String raw = get(key, k -> root.getValue(k).unwrapped().toString());
    T v;
    try {
      v = parse.apply(raw);
    } catch (RuntimeException e) {
      throw bad(key, raw, "one of " + allowed);
    }
    if (!allowed.contains(v)) {
      throw bad(key, raw, "one of " + allowed);
    }
    return v;
  }

  <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    return constant(key, type, "one of " + names(type));
  }

  /** {@code key}'s value, or {@code auto} as {@code whenAuto}. */
  <E extends Enum<E>> E enumOrAuto(String key, Class<E> type, E whenAuto) {
    return isAuto(key) ? whenAuto : constant(key, type, "auto or one of " + names(type));
  }

  private <E extends Enum<E>> E constant(String key, Class<E> type, String valid) {
    String raw = get(key, k -> root.getString(k));
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(raw.replace('-', '_'))) {
        return e;
      }
    }
    throw bad(key, raw, valid);
  }

  <E extends Enum<E>> List<E> enumList(String key, Class<E> type) {
    List<String> raw = get(key, k -> root.getStringList(k));
    List<E> out = new ArrayList<>();
    for (String value : raw) {
      E e = Arrays.stream(type.getEnumConstants())
          .filter(x -> x.name().equalsIgnoreCase(value.replace('-', '_'))).findFirst()
          .orElseThrow(() -> bad(key, raw, "a list of " + names(type)));
      out.add(e);
    }
    return List.copyOf(out);
  }

  List<Integer> positiveIntList(String key) {
    List<Integer> v = get(key, k -> root.getIntList(k));
    if (v.stream().anyMatch(i -> i < 1)) {
      throw bad(key, v, "a list of positive integers, e.g. [256, 64]");
    }
    return List.copyOf(v);
  }

  private <T> T get(String key, Function<String, T> getter) {
    try {
      return getter.apply(prefix + key);
    } catch (ConfigException.WrongType e) {
      throw LatentforgeException.usage("Config key '" + prefix + key + "' has the wrong type: " + e.getMessage(),
          "see conf/latentforge.conf for the type of its default.");
    }
  }

  private LatentforgeException bad(String key, Object value, String valid) {
    return LatentforgeException.usage("Config key '" + prefix + key + "' has invalid value " + value + ".",
        "use " + valid + ".");
  }

  private static <E extends Enum<E>> List<String> names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
  }
}
