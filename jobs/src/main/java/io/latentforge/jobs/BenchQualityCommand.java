package io.latentforge.jobs;

import com.typesafe.config.ConfigFactory;
import io.latentforge.LatentforgeException;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.jobs.bench.QualityBench;
import io.latentforge.jobs.bench.QualitySpread;
import io.latentforge.schema.CorpusKind;
import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge bench quality}: the default nightly's codes against the baselines on real corpora. */
@Command(name = "quality", mixinStandardHelpOptions = true,
    description = "Run the nightly (default settings, or --conf/--set; of its steps after publishing only evaluate, "
        + "unless nightly.steps is set) on every labelled corpus folder under --data and "
        + "print, per corpus, the held-out rows' precision@10, mean average precision, 10-NN accuracy, k-means NMI and "
        + "reconstruction error against PCA's of codes, raw features, PCA of the code's size and (documents) tf-idf, "
        + "with the time each run took, and beside each baseline the codes' P@10 minus its own on the same queries "
        + "with a 95%% paired-bootstrap interval. With --seeds N, each corpus runs N times and a summary gives the "
        + "median and range of those figures over the seeds.")
public final class BenchQualityCommand extends SparkJob {

  @Option(names = "--data", paramLabel = "DIR", description = "Folder of corpus folders (Parquet, with labels). "
      + "Default: ${DEFAULT-VALUE}.")
  String data = "../shared/data";

  @Option(names = "--corpora", paramLabel = "NAME[,NAME...]", split = ",",
      description = "Only these corpus folders. Default: all.")
  List<String> corpora = new ArrayList<>();

  @Option(names = "--output", paramLabel = "DIR", description = "Where the runs write. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-bench/quality";

  @Option(names = "--seeds", paramLabel = "N", description = "Run each corpus N times, at train.seed, train.seed + 1, "
      + "... (the seed draws the initial weights, the minibatches and the held-out rows), and summarize each corpus "
      + "over the runs: a single run's interval covers the held-out queries, not the seed. Default: ${DEFAULT-VALUE}.")
  int seeds = 1;

  @Override
  String jobName() {
    return "bench quality";
  }

  /** Only the step the table needs: the others (index, cluster, report) do not change the codes. */
  @Override
  List<String> defaults() {
    return List.of("nightly.steps=[evaluate]");
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    if (seeds < 1) {
      throw LatentforgeException.usage("--seeds must be at least 1, got " + seeds + ".",
          "pass the number of runs per corpus, e.g. --seeds 3.");
    }
    List<File> chosen = QualityBench.corpora(data, corpora);
    QualityBench bench = new QualityBench(spark);
    List<QualityBench.Corpus> results = new ArrayList<>();
    List<QualitySpread> spreads = new ArrayList<>();
    for (File corpus : chosen) {
      List<QualityBench.Corpus> runs = new ArrayList<>();
      for (int i = 0; i < seeds; i++) {
        long seed = config.train().seed() + i;
        String dir = output + "/" + corpus.getName() + (seeds == 1 ? "" : "/seed-" + seed);
        runs.add(bench.run(corpus, withSeed(seed), dir, common.runDate));
      }
      results.addAll(runs);
      spreads.add(QualitySpread.of(runs));
    }
    out.printf(Locale.ROOT, "%nquality benchmark: held-out rows, model %s %s->%d, master %s%n",
        // As configured: auto is decided per corpus (images [512, 64], documents [256, 64]).
        config.model().type().name().toLowerCase(Locale.ROOT),
        ConfigFactory.parseString(config.rendered()).getValue("model.encoder-layers").unwrapped(),
        config.model().codeSize(), spark.sparkContext().master());
    out.printf(Locale.ROOT, "  %-16s %-10s %7s %7s %7s %7s %10s  %s%n", "corpus", "", "P@10", "mAP", "10-NN", "NMI",
        "recon/PCA", "codes' P@10 minus this (95% interval)");
    for (QualityBench.Corpus c : results) {
      out.printf(Locale.ROOT, "  %-16s %s, %d rows, seed %d, %d epochs, %.0f s%n", c.name(),
          c.kind() == CorpusKind.IMAGE ? "images" : "documents", c.rows(), c.seed(), c.epochs(), c.seconds());
      c.scores().forEach((name, s) -> out.printf(Locale.ROOT, "  %-16s %-10s %7.3f %7.3f %7.3f %7.3f %10s  %s%n", "", name,
          s.precisionAt10(), s.meanAveragePrecision(), s.knnAccuracy(), s.kmeansNmi(),
          s.reconVsPca() == null ? "-" : String.format(Locale.ROOT, "%.2f", s.reconVsPca()),
          s.codesMinusThis() == null ? "" : s.codesMinusThis().text()));
      if (c.scores().isEmpty()) {
        out.printf(Locale.ROOT, "  %-16s (not evaluated: no labels on the held-out rows)%n", "");
      }
    }
    out.printf(Locale.ROOT, "  total %.0f s%n", results.stream().mapToDouble(QualityBench.Corpus::seconds).sum());
    out.printf(Locale.ROOT, "  (intervals: paired bootstrap over the held-out queries; one that excludes 0 is marked *)%n");
    if (seeds > 1) {
      printSpreads(spreads, out);
    }
  }

  /** The configuration with train.seed replaced (after --conf and --set, which the base seed came from). */
  private LatentforgeConfig withSeed(long seed) {
    return common.config(defaults(), List.of("train.seed=" + seed));
  }

  private void printSpreads(List<QualitySpread> spreads, PrintWriter out) {
    out.printf(Locale.ROOT, "%nover %d seeds: median (lowest to highest); clear: runs whose interval excludes 0%n",
        seeds);
    out.printf(Locale.ROOT, "  %-16s %-24s %-20s %s%n", "corpus", "codes' P@10", "recon/PCA", "time (s)");
    for (QualitySpread s : spreads) {
      if (s == null) {
        continue;
      }
      out.printf(Locale.ROOT, "  %-16s %-24s %-20s %s%n", s.corpus(), s.codesPrecisionAt10().text("%.3f"),
          Double.isNaN(s.reconVsPca().median()) ? "-" : s.reconVsPca().text("%.2f"), s.seconds().text("%.0f"));
      for (QualitySpread.Versus v : s.versus()) {
        out.printf(Locale.ROOT, "    minus %-10s P@10 %s, clear %d above, %d below; NMI %s%n", v.baseline(),
            v.precisionAt10().text("%+.3f"), v.clearlyAbove(), v.clearlyBelow(), v.nmi().text("%+.3f"));
      }
    }
  }
}
