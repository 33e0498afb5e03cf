package io.latentforge.run;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.ConfigFactory;
import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.cluster.ClusterFigures;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.Metric;
import io.latentforge.eval.Evaluation;
import io.latentforge.input.CorpusSource;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.publish.DateCommit;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.retrieval.IndexFigures;
import io.latentforge.retrieval.NeighborFigures;
import io.latentforge.retrieval.NeighborSearch;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code neighbors}, {@code cluster} and {@code evaluate} jobs over a published code table
 * partition, each holding the output root's lock while it writes, and publishing its tables with
 * the date's updated report as one unit.
 */
public final class DownstreamRun {

  private final SparkSession spark;

  public DownstreamRun(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * A date of an output root, with the config of the job.
   *
   * @param codes the code table read; null: {@code OUT/codes}
   */
  public record Target(String output, String codes, LocalDate runDate, LatentforgeConfig config) {
    String codesTable() {
      return codes == null ? new OutputLayout(output).codes() : codes;
    }
  }

  /** What {@code evaluate} produced: the evaluation (null without labels) and the report's path. */
  public record Evaluated(Evaluation.Result evaluation, String report) {}

  /**
   * @param queries a Parquet table of {@code id} (rows of the date's codes) or of {@code id, code}
   *     (and {@code code_bits} for hamming); null: every row queries
   */
  public NeighborFigures neighbors(Target target, String queries, NeighborSearch.Method method) {
    if (method == NeighborSearch.Method.LSH && queries != null) {
      throw LatentforgeException.usage("--approximate searches neighbours of every row; it takes no --queries.",
          "drop --queries, or drop --approximate for exact search of the given queries (or use --index).");
    }
    return locked(target, "neighbors", downstream -> {
      Dataset<Row> codes = downstream.codes();
      return downstream.neighbors(codes, queries == null ? null : queries(codes, queries, target), method,
          target.config().neighbors());
    });
  }

  /**
   * Builds and publishes the HNSW index of the date's codes (replacing the date's index); stops
   * without publishing when its measured recall is below index.min-recall.
   */
  public IndexFigures index(Target target) {
    return locked(target, "index", downstream -> {
      Dataset<Row> codes = downstream.codes();
      PartitionManifest manifest = downstream.codesManifest();
      long rows = manifest != null && manifest.rowCount() != null ? manifest.rowCount() : codes.count();
      return downstream.index(codes, rows, true);
    });
  }

  public ClusterFigures cluster(Target target) {
    return locked(target, "cluster", downstream -> downstream.cluster(downstream.codes()));
  }

  /**
   * Evaluates the date's codes against baselines on the corpus they were encoded from (featurized
   * as the model was trained), then rewrites the date's report.
   */
  /** @param modelDir null: {@code models/<model_id>} beside the code table */
  public Evaluated evaluate(Target target, String input, CorpusKind kind, String modelDir) {
    return locked(target, "evaluate", downstream -> {
      Dataset<Row> codes = downstream.codes();
      PartitionManifest manifest = downstream.codesManifest();
      String modelId = String.valueOf(manifest == null ? null : manifest.modelId());
      String dir = modelDir != null ? modelDir
          : new OutputLayout(new org.apache.hadoop.fs.Path(target.codesTable()).getParent().toString()).model(modelId);
      ModelStore.Loaded model = new ModelStore(spark.sparkContext().hadoopConfiguration()).load(dir,
          target.config().modelLoading().allowLegacyFormat());
      if (!modelId.equals(model.modelId())) {
        throw LatentforgeException.usage("The codes of " + target.runDate() + " come from model " + modelId + ", but "
            + dir + " holds " + model.modelId() + ".", "pass the --model directory of " + modelId + ".");
      }
      LatentforgeConfig trained = trainedWith(model);
      Featurized featurized = Stage.run(spark, Runs.GROUP, "featurize " + input, () -> Featurization.likeModel(
          CorpusSource.read(spark, input, kind, target.config().input()), kind, target.config(), model));
      try {
        Downstream.CodesModel codesModel = new Downstream.CodesModel(model.network(), model.input(),
            trained.model().trainingCorruption(), trained.train().stopping().validationFraction(),
            trained.train().seed(), epochs(model.card()));
        AfterPublishing found = downstream.evaluateAndReport(AfterPublishing.NONE, codes, featurized, codesModel,
            input, true, true, true);
        return new Evaluated(found.evaluation(), found.report());
      } finally {
        featurized.split().release();
      }
    });
  }

  /** The configuration a model was trained with, as recorded in its model.json. */
  private static LatentforgeConfig trainedWith(ModelStore.Loaded model) {
    Map<String, Object> recorded = model.card().config();
    return LatentforgeConfig.from(ConfigFactory.parseMap(recorded).withFallback(ConfigLoader.defaults()).resolve());
  }

  static List<EpochMetrics> epochs(ModelCard card) {
    return card.epochs() == null ? List.of() : card.epochs();
  }

  private Dataset<Row> queries(Dataset<Row> codes, String path, Target target) {
    Dataset<Row> given = spark.read().parquet(path);
    List<String> columns = List.of(given.columns());
    if (!columns.contains(Columns.ID)) {
      throw LatentforgeException.badInput("The queries at " + path + " have no id column (columns: " + columns + ").",
          "give a Parquet table with id (rows of the code table) or with id and code.");
    }
    boolean hamming = target.config().neighbors().metric() == Metric.HAMMING;
    if (columns.contains(hamming ? Columns.CODE_BITS : Columns.CODE)) {
      return given.select(col(Columns.ID), col(hamming ? Columns.CODE_BITS : Columns.CODE));
    }
    Dataset<Row> ids = given.select(Columns.ID).distinct();
    Dataset<Row> missing = ids.join(codes, ids.col(Columns.ID).equalTo(codes.col(Columns.ID)), "left_anti");
    List<Row> examples = missing.limit(5).collectAsList();
    if (!examples.isEmpty()) {
      throw LatentforgeException.badInput(missing.count() + " query ids of " + path + " are not in the codes of "
              + target.runDate() + ", e.g. " + examples.stream().map(r -> r.getString(0)).toList() + ".",
          "query ids must be rows of that date's code table, or give the queries' codes in a code column.");
    }
    return codes.join(ids, Columns.ID);
  }

  private interface Step<T> {
    T run(Downstream downstream);
  }

  /** The step under the output root's lock, its tables and the date's updated report published together. */
  private <T> T locked(Target target, String job, Step<T> step) {
    OutputLayout out = new OutputLayout(target.output());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (OutputLock lock = Runs.lock(hadoop, out, job + " " + target.runDate(), target.config().publish().retention())) {
      DateCommit commit = new DateCommit(hadoop, out, target.runDate().toString(), lock.runId(), lock::requireHeld);
      return Runs.publishing(commit, () -> {
        T result = step.run(new Downstream(spark, commit, target.codesTable(), target.config()));
        Stage.run(spark, Runs.GROUP, "publish the outputs of " + job, () -> {
          commit.commit();
          return null;
        });
        return result;
      });
    }
  }
}
