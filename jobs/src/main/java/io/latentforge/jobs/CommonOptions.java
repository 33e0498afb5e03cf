package io.latentforge.jobs;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every job takes: configuration layers and the run date. */
public final class CommonOptions {

  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON file overriding the defaults in conf/latentforge.conf.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key (repeatable); wins over --conf.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", converter = RunDateConverter.class,
      description = "Date of the run: the run_date partition written. Default: today.")
  LocalDate runDate = LocalDate.now();

  /** Parses and validates the configuration: fails before any Spark work starts. */
  LatentforgeConfig config() {
    return ConfigLoader.load(conf, sets);
  }

  /** The configuration with {@code defaults} ("key=value") applied before --set, so --set still wins. */
  LatentforgeConfig config(List<String> defaults) {
    return config(defaults, List.of());
  }

  /** As {@link #config(List)}, with a command's own flags ("key=value") applied last. */
  LatentforgeConfig config(List<String> defaults, List<String> flags) {
    List<String> all = new ArrayList<>(defaults);
    all.addAll(sets);
    all.addAll(flags);
    return ConfigLoader.load(conf, all);
  }
}
