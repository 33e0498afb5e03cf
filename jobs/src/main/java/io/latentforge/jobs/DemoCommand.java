package io.latentforge.jobs;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.eval.Evaluation;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.run.RunResult;
import io.latentforge.schema.CorpusKind;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge demo}: generates two labelled corpora, trains several model types, compares them. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate a small image corpus (28x28 shapes, 5 classes) and a document corpus (4 topics) as Parquet "
        + "under OUT/corpora/, run nightly on the images once per --image-models type into OUT/images-<type>/ and on "
        + "the documents into OUT/documents/, then print the reconstruction errors side by side. "
        + "--set model.type=... overrides every run's type.")
public final class DemoCommand extends SparkJob {

  @Option(names = "--output", paramLabel = "DIR", description = "Where corpora and outputs go. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-demo";

  @Option(names = "--images", paramLabel = "N", description = "Images to generate. Default: ${DEFAULT-VALUE}.")
  int images = 2000;

  @Option(names = "--documents", paramLabel = "N", description = "Documents to generate. Default: ${DEFAULT-VALUE}.")
  int documents = 2000;

  @Option(names = "--image-models", paramLabel = "TYPE[,TYPE...]", split = ",",
      description = "Model types trained on the images (shallow, deep, denoising, conv, vae). Default: ${DEFAULT-VALUE}.")
  List<String> imageModels = List.of("deep", "denoising", "conv");

  @Option(names = "--seed", description = "Seed of the generated corpora. Default: ${DEFAULT-VALUE}.")
  long seed = 7;

  /**
   * The demo shows every step after publishing, the index too although its corpora are small;
   * --set nightly.steps=... still wins.
   */
  private static final String ALL_STEPS = "nightly.steps=[index, neighbors, cluster, evaluate, report]";
  private static final String SMALL_INDEX = "index.min-rows=0";

  @Override
  String jobName() {
    return "demo";
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    Map<String, LatentforgeConfig> imageConfigs = new LinkedHashMap<>();
    for (String type : imageModels) { // every config validated before any corpus is generated
      imageConfigs.put(type, common.config(List.of("model.type=" + type, ALL_STEPS, SMALL_INDEX,
          "cluster.k=" + DemoCorpora.SHAPES.size())));
    }
    LatentforgeConfig documentConfig = common.config(List.of(ALL_STEPS, SMALL_INDEX,
        "cluster.k=" + DemoCorpora.TOPICS.size()));
    GeneratedCorpora.Paths corpora = GeneratedCorpora.write(spark, output, images, documents, seed);
    Map<String, RunResult> results = new LinkedHashMap<>();
    imageConfigs.forEach((type, typeConfig) -> results.put("images, " + name(typeConfig),
        nightly(spark, typeConfig, out, CorpusKind.IMAGE, corpora.images(), output + "/images-" + type)));
    results.put("documents, " + name(documentConfig),
        nightly(spark, documentConfig, out, CorpusKind.TEXT, corpora.documents(), output + "/documents"));
    compare(out, results);
  }

  private static String name(LatentforgeConfig config) {
    ModelSpec model = config.model();
    String type = model.type().name().toLowerCase(Locale.ROOT);
    return model.type() == ModelSpec.Type.DENOISING
        ? type + " (" + model.corruption().type().name().toLowerCase(Locale.ROOT).replace('_', '-') + " "
            + model.corruption().level() + ")"
        : type;
  }

  private static void compare(PrintWriter out, Map<String, RunResult> results) {
    out.printf(Locale.ROOT, "%nreconstruction error per row (lower is better; against PCA of the code's size on the "
        + "held-out rows)%n");
    out.printf(Locale.ROOT, "  %-32s %12s %16s %8s %10s%n", "corpus, model", "autoencoder", "mean baseline", "ratio",
        "vs PCA");
    results.forEach((name, r) -> out.printf(Locale.ROOT, "  %-32s %12.4f %16.4f %8.2f %10s%n", name, r.meanReconError(),
        r.meanBaselineError(), r.meanReconError() / r.meanBaselineError(), reconVsPca(r)));
    out.printf(Locale.ROOT, "%nretrieval by label on held-out rows, precision@10 (higher is better)%n");
    out.printf(Locale.ROOT, "  %-32s %8s %8s %8s %8s%n", "corpus, model", "codes", "raw", "pca", "tfidf");
    results.forEach((name, r) -> out.printf(Locale.ROOT, "  %-32s %8s %8s %8s %8s%n", name, precision(r, "codes"),
        precision(r, "raw"), precision(r, "pca"), precision(r, "tfidf")));
    out.printf(Locale.ROOT, "%nreports (open in a browser)%n");
    results.forEach((name, r) -> {
      if (r.downstream().report() != null) {
        out.printf(Locale.ROOT, "  %-32s %s%n", name, r.downstream().report());
      }
    });
  }

  private static String precision(RunResult r, String representation) {
    Evaluation.Representation scores = representation(r, representation);
    Double p = scores == null ? null : scores.retrieval().precisionAtK().get(10);
    return p == null ? "-" : String.format(Locale.ROOT, "%.3f", p);
  }

  private static String reconVsPca(RunResult r) {
    Evaluation.Representation codes = representation(r, "codes");
    Double ratio = codes == null ? null : r.downstream().evaluation().reconVsPca(codes);
    return ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio);
  }

  /** A representation's scores in the run's evaluation, or null. */
  private static Evaluation.Representation representation(RunResult r, String name) {
    Evaluation.Result e = r.downstream().evaluation();
    return e == null ? null : e.representations().get(name);
  }
}
