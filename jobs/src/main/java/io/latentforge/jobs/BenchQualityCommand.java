package io.latentforge.jobs;

import com.typesafe.config.ConfigFactory;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.jobs.bench.QualityBench;
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
    description = "Run the nightly (default settings, or --conf/--set) on every labelled corpus folder under --data and "
        + "print, per corpus, the held-out rows' precision@10, mean average precision, 10-NN accuracy, k-means NMI and "
        + "reconstruction error against PCA's of codes, raw features, PCA of the code's size and (documents) tf-idf, "
        + "with the time each run took, and beside each baseline the codes' P@10 minus its own on the same queries "
        + "with a 95% paired-bootstrap interval.")
public final class BenchQualityCommand extends SparkJob {

  @Option(names = "--data", paramLabel = "DIR", description = "Folder of corpus folders (Parquet, with labels). "
      + "Default: ${DEFAULT-VALUE}.")
  String data = "../shared/data";

  @Option(names = "--corpora", paramLabel = "NAME[,NAME...]", split = ",",
      description = "Only these corpus folders. Default: all.")
  List<String> corpora = new ArrayList<>();

  @Option(names = "--output", paramLabel = "DIR", description = "Where the runs write. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-bench/quality";

  @Override
  String jobName() {
    return "bench quality";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    List<File> chosen = QualityBench.corpora(data, corpora);
    QualityBench bench = new QualityBench(spark, config);
    List<QualityBench.Corpus> results = new ArrayList<>();
    for (File corpus : chosen) {
      results.add(bench.run(corpus, output, common.runDate));
    }
    out.printf(Locale.ROOT, "%nquality benchmark: held-out rows, model %s %s->%d, master %s%n",
        // As configured: auto is decided per corpus (images [512, 64], documents [256, 64]).
        config.model().type().name().toLowerCase(Locale.ROOT),
        ConfigFactory.parseString(config.rendered()).getValue("model.encoder-layers").unwrapped(),
        config.model().codeSize(), spark.sparkContext().master());
    out.printf(Locale.ROOT, "  %-16s %-10s %7s %7s %7s %7s %10s  %s%n", "corpus", "", "P@10", "mAP", "10-NN", "NMI",
        "recon/PCA", "codes' P@10 minus this (95% interval)");
    for (QualityBench.Corpus c : results) {
      out.printf(Locale.ROOT, "  %-16s %s, %d rows, %d epochs, %.0f s%n", c.name(),
          c.kind() == CorpusKind.IMAGE ? "images" : "documents", c.rows(), c.epochs(), c.seconds());
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
  }
}
