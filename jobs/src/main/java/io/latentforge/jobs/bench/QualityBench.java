package io.latentforge.jobs.bench;

import io.latentforge.LatentforgeException;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.eval.Evaluation;
import io.latentforge.eval.PairedBootstrap;
import io.latentforge.run.NightlyRequest;
import io.latentforge.run.NightlyRun;
import io.latentforge.run.RunResult;
import io.latentforge.schema.CorpusKind;
import java.io.File;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The quality of the default nightly's codes on real labelled corpora: one nightly run per corpus
 * (a folder of Parquet files with a label column), its evaluation on held-out rows next to the
 * baselines it computes (raw features, PCA of the code's size, tf-idf for documents).
 */
public final class QualityBench {

  /** Representations in the order the table shows them. */
  public static final List<String> REPRESENTATIONS = List.of("codes", "code_bits", "raw", "pca", "tfidf");

  /**
   * Scores of one representation on one corpus.
   *
   * @param codesMinusThis see {@link Evaluation.Result#codesMinusThis}; null for the codes
   */
  public record Scores(double precisionAt10, double meanAveragePrecision, double knnAccuracy, double kmeansNmi,
      Double reconVsPca, PairedBootstrap.Difference codesMinusThis) {}

  /** One corpus's run: its kind, rows, seed, training epochs, seconds, and the scores by representation. */
  public record Corpus(String name, CorpusKind kind, long rows, long seed, int epochs, double seconds,
      Map<String, Scores> scores) {}

  private final SparkSession spark;

  public QualityBench(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * The corpora under {@code data}: every folder holding Parquet files, in name order, or only those
   * named in {@code only} (when not empty). Checked before any run starts.
   */
  public static List<File> corpora(String data, List<String> only) {
    File[] dirs = new File(data).listFiles(f -> f.isDirectory() && containsParquet(f));
    if (dirs == null || dirs.length == 0) {
      throw LatentforgeException.usage("No corpora under --data " + data + ": expected folders of Parquet files "
          + "(e.g. ../shared/data/glyphs28).", "point --data at the folder that holds the corpus folders.");
    }
    Arrays.sort(dirs);
    List<File> chosen = new ArrayList<>();
    for (File d : dirs) {
      if (only.isEmpty() || only.contains(d.getName())) {
        chosen.add(d);
      }
    }
    List<String> missing = new ArrayList<>(only);
    chosen.forEach(d -> missing.remove(d.getName()));
    if (!missing.isEmpty()) {
      throw LatentforgeException.usage("No corpus folder " + missing + " under " + data + ".",
          "choose among " + Arrays.stream(dirs).map(File::getName).toList() + ".");
    }
    return chosen;
  }

  private static boolean containsParquet(File dir) {
    String[] names = dir.list((d, n) -> n.endsWith(".parquet"));
    return names != null && names.length > 0;
  }

  /** Runs the nightly with {@code config} on {@code corpus} into {@code output} and reads its evaluation. */
  public Corpus run(File corpus, LatentforgeConfig config, String output, LocalDate runDate) {
    CorpusKind kind = kindOf(corpus, config);
    long start = System.nanoTime();
    RunResult r = new NightlyRun(spark).execute(new NightlyRequest(kind, corpus.getPath(), output, runDate, config));
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Corpus(corpus.getName(), kind, r.rowsFeaturized(), config.train().seed(), r.epochs().size(), seconds,
        scores(r));
  }

  /** Images when the corpus has the configured image column, documents when it has the text column. */
  private CorpusKind kindOf(File corpus, LatentforgeConfig config) {
    List<String> columns = List.of(spark.read().parquet(corpus.getPath()).columns());
    if (columns.contains(config.input().image())) {
      return CorpusKind.IMAGE;
    }
    if (columns.contains(config.input().text())) {
      return CorpusKind.TEXT;
    }
    throw LatentforgeException.badInput("Corpus " + corpus + " has neither an image column ("
        + config.input().image() + ") nor a text column (" + config.input().text() + "): " + columns + ".",
        "set input.image-column or input.text-column, or leave this folder out with --corpora.");
  }

  private static Map<String, Scores> scores(RunResult r) {
    Map<String, Scores> out = new LinkedHashMap<>();
    Evaluation.Result e = r.downstream().evaluation();
    if (e != null) {
      for (String name : REPRESENTATIONS) {
        Evaluation.Representation rep = e.representations().get(name);
        if (rep != null) {
          out.put(name, new Scores(rep.retrieval().precisionAtK().getOrDefault(10, Double.NaN),
              rep.retrieval().meanAveragePrecision(), rep.retrieval().knnAccuracy(), rep.kmeansNmi(),
              e.reconVsPca(rep), e.codesMinusThis().get(name)));
        }
      }
    }
    return out;
  }
}
