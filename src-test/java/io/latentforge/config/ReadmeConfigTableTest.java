package io.latentforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table against conf/latentforge.conf, where each key is declared with
 * its default: the same keys, and the same default wherever a row names one key.
 */
class ReadmeConfigTableTest {

  private static final Pattern CODE = Pattern.compile("`([^`]*)`");

  /** Key -> default as the README's table shows it (null for rows naming several keys). */
  private static Map<String, String> readmeTable() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int start = lines.indexOf("## Configuration");
    Map<String, String> table = new LinkedHashMap<>();
    for (String line : lines.subList(start, lines.size())) {
      if (line.startsWith("## Running")) {
        break;
      }
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split(" \\| ");
      List<String> keys = keys(cells[0].substring(2));
      for (String key : keys) {
        table.put(key, keys.size() == 1 ? cells[1].replace("`", "").trim() : null);
      }
    }
    return table;
  }

  /** {@code `a.b.c`, `d`} and {@code `a.b.c` / `d`} name a.b.c and a.b.d. */
  private static List<String> keys(String cell) {
    List<String> keys = new ArrayList<>();
    String prefix = "";
    for (Matcher m = CODE.matcher(cell); m.find(); ) {
      String name = m.group(1);
      if (name.contains(".")) {
        prefix = name.substring(0, name.lastIndexOf('.') + 1);
        keys.add(name);
      } else {
        keys.add(prefix + name);
      }
    }
    return keys;
  }

  @Test
  void theReadmeTableNamesEveryKeyOfTheDefaultsAndNoOther() throws IOException {
    Set<String> declared = new TreeSet<>(ConfigLoader.defaults().root().toConfig().entrySet().stream()
        .map(Map.Entry::getKey).toList());
    Set<String> shown = new TreeSet<>(readmeTable().keySet());
    assertThat(declared).as("keys of conf/latentforge.conf missing from the README's table").isSubsetOf(shown);
    assertThat(shown).as("keys in the README's table that conf/latentforge.conf does not declare").isSubsetOf(declared);
  }

  @Test
  void aRowOfOneKeyShowsItsDefault() throws IOException {
    Config defaults = ConfigLoader.defaults();
    readmeTable().forEach((key, shown) -> {
      if (shown == null) {
        return;
      }
      var value = defaults.getValue(key);
      String expected = value.valueType() == ConfigValueType.STRING ? (String) value.unwrapped()
          : value.render(ConfigRenderOptions.concise()).replace(",", ", ").replace("\"", "");
      assertThat(shown.equals(expected) || shown.equals("\"\"") && expected.isEmpty()
              || value.valueType() == ConfigValueType.NUMBER && isNumber(shown)
                  && Double.parseDouble(shown) == ((Number) value.unwrapped()).doubleValue())
          .as("%s: README shows %s, conf/latentforge.conf declares %s", key, shown, expected).isTrue();
    });
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
