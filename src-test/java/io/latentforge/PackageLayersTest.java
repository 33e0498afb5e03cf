package io.latentforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's packages are stages in the order data flows, read from the sources' import lines:
 * a package imports only packages of lower layers, so no stage reaches up into orchestration or a
 * later stage, and the library never imports the commands. Spark's internal APIs (catalyst rows,
 * execution-level writers, commit protocols) stay inside the adapters that need them.
 */
class PackageLayersTest {

  /**
   * Layer of every library package, lowest first. A new package must be placed here. encode sits
   * below train because training runs the same executor-side forward passes (its held-out loss,
   * and layer-wise pretraining's codes of the layer below) that encoding does.
   */
  private static final Map<String, Integer> LAYERS = Map.ofEntries(
      Map.entry("", 0), // LatentforgeException, Stage
      Map.entry("schema", 1),
      Map.entry("fs", 2),
      Map.entry("parquet", 3),
      Map.entry("config", 4),
      Map.entry("input", 5),
      Map.entry("features.image", 6),
      Map.entry("features.text", 6),
      Map.entry("model.layers", 7),
      Map.entry("model", 8),
      Map.entry("encode", 9),
      Map.entry("train", 10),
      Map.entry("publish", 11),
      Map.entry("retrieval", 12),
      Map.entry("cluster", 13),
      Map.entry("eval", 14),
      Map.entry("drift", 15),
      Map.entry("report", 16),
      Map.entry("run", 17),
      // Apart: importers turn other formats into the input contract; no stage imports them.
      Map.entry("importers", 7));

  /**
   * Classes allowed to use Spark's internal APIs: the writer of Parquet files from inside tasks (its
   * commit protocol and output writers), and the one-pass image task that reads and writes internal rows.
   */
  private static final Set<String> SPARK_INTERNAL_ADAPTERS = Set.of(
      "parquet.ParquetTaskOutput", "encode.ImageRowsTask");
  private static final Pattern SPARK_INTERNAL = Pattern.compile(
      "^import (static )?org\\.apache\\.spark\\.(sql\\.catalyst|sql\\.execution|internal|unsafe|util\\.SerializableConfiguration)",
      Pattern.MULTILINE);
  private static final Pattern OWN_IMPORT = Pattern.compile("^import (?:static )?io\\.latentforge\\.((?:[a-z]\\w*\\.)*)[A-Z]",
      Pattern.MULTILINE);
  private static final Path LIBRARY = Path.of("..", "pipeline", "src", "main", "java", "io", "latentforge");

  private record Source(String pkg, String className, String text) {}

  private static List<Source> library() {
    List<Source> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(LIBRARY)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String relative = LIBRARY.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
        String name = file.getFileName().toString().replace(".java", "");
        sources.add(new Source(relative, relative.isEmpty() ? name : relative + "." + name, Files.readString(file)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }

  private static List<String> imported(Source source) {
    List<String> packages = new ArrayList<>();
    Matcher m = OWN_IMPORT.matcher(source.text());
    while (m.find()) {
      String pkg = m.group(1);
      packages.add(pkg.isEmpty() ? "" : pkg.substring(0, pkg.length() - 1));
    }
    return packages;
  }

  @Test
  void everyLibraryPackageHasALayer() {
    List<Source> sources = library();
    assertThat(sources).hasSizeGreaterThan(50);
    assertThat(sources).allSatisfy(s -> assertThat(LAYERS).as("layer of package io.latentforge.%s", s.pkg())
        .containsKey(s.pkg()));
  }

  @Test
  void packagesImportOnlyLowerLayers() {
    List<String> violations = new ArrayList<>();
    for (Source source : library()) {
      int layer = LAYERS.getOrDefault(source.pkg(), -1);
      for (String target : imported(source)) {
        if (target.equals(source.pkg())) {
          continue;
        }
        Integer targetLayer = LAYERS.get(target);
        if (targetLayer == null || targetLayer >= layer || target.equals("importers")) {
          violations.add(source.className() + " imports io.latentforge." + target);
        }
      }
    }
    assertThat(violations).as("imports of a package of the same or a higher layer (or of the commands)").isEmpty();
  }

  @Test
  void sparkInternalApisStayInTheirAdapters() {
    List<String> users = library().stream()
        .filter(s -> SPARK_INTERNAL.matcher(s.text()).find() || s.text().contains(".queryExecution()"))
        .map(Source::className)
        .toList();
    assertThat(users).isNotEmpty().allSatisfy(c -> assertThat(SPARK_INTERNAL_ADAPTERS).contains(c));
  }

  @Test
  void theRuleCatchesAnUpwardImport() {
    Source upward = new Source("train", "train.X", "package io.latentforge.train;\n\nimport io.latentforge.run.Stage;\n");
    assertThat(imported(upward)).containsExactly("run");
    assertThat(LAYERS.get("run")).isGreaterThan(LAYERS.get("train"));
  }
}
