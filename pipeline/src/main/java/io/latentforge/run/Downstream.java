package io.latentforge.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.FaultHook;
import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.cluster.ClusterFigures;
import io.latentforge.cluster.Clustering;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.Metric;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.NeighborSettings;
import io.latentforge.drift.DriftFigures;
import io.latentforge.drift.GateResult;
import io.latentforge.eval.Evaluation;
import io.latentforge.eval.EvaluationFigures;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.input.CorpusSource;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.ModelCard;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.DateCommit;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.report.ReportContent;
import io.latentforge.report.ReportWriter;
import io.latentforge.report.RunMetrics;
import io.latentforge.config.IndexSettings;
import io.latentforge.retrieval.HnswIndex;
import io.latentforge.retrieval.HnswSearch;
import io.latentforge.retrieval.IndexFigures;
import io.latentforge.retrieval.IndexManifest;
import io.latentforge.retrieval.IndexRecall;
import io.latentforge.retrieval.NeighborFigures;
import io.latentforge.retrieval.NeighborSearch;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import io.latentforge.train.Corruption;
import io.latentforge.train.HeldOutSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What reads a code table partition (staged by this run, or published): neighbours, clustering,
 * evaluation and the report. Each step stages its table partition in the run's {@link DateCommit}
 * and records its figures as one section of the date's staged {@code metrics.json}. Callers hold
 * the output root's lock and commit.
 */
final class Downstream {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Downstream.class);
  /** Images shown in the report. */
  private static final int PANEL_IMAGES = 8;

  private final SparkSession spark;
  private final OutputLayout out;
  private final String runDate;
  private final LatentforgeConfig config;
  private final DateCommit commit;
  private final TableSink sink;
  private final String codesTable;

  /** Reads {@code OUT/codes}. */
  Downstream(SparkSession spark, DateCommit commit, LatentforgeConfig config) {
    this(spark, commit, commit.layout().codes(), config);
  }

  /** @param commit the run's commit, where each step stages its tables and the date's report */
  Downstream(SparkSession spark, DateCommit commit, String codesTable, LatentforgeConfig config) {
    this.spark = spark;
    this.commit = commit;
    this.out = commit.layout();
    this.codesTable = codesTable;
    this.runDate = commit.runDate();
    this.config = config;
    this.sink = new TableSink(spark, commit);
  }

  /** The date's codes: those this run staged, otherwise the published ones. */
  Dataset<Row> codes() {
    Path partition = codesPartition();
    try {
      if (!partition.getFileSystem(hadoop()).exists(new Path(partition, TableSink.MANIFEST))) {
        throw LatentforgeException.usage("No codes are published for " + runDate + " under " + codesTable + ".",
            "run nightly or encode for that date first, or pass the --run-date of a published partition.");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return spark.read().parquet(partition.toString());
  }

  private Path codesPartition() {
    Path published = new Path(codesTable, Columns.RUN_DATE + "=" + runDate);
    Path staged = commit.staged(published);
    return staged != null ? staged : published;
  }

  /** The manifest of the date's code partition; null when it has none. */
  PartitionManifest codesManifest() {
    return TableSink.manifest(hadoop(), codesPartition());
  }

  /** Top-k neighbours of every code (or of {@code queries}) into OUT/neighbors. */
  NeighborFigures neighbors(Dataset<Row> codes, Dataset<Row> queries, NeighborSearch.Method method,
      NeighborSettings settings) {
    if (settings.metric() == Metric.HAMMING && !List.of(codes.columns()).contains(Columns.CODE_BITS)) {
      throw LatentforgeException.usage("neighbors.metric = hamming needs code_bits, but the codes of " + runDate
          + " have none (their model was trained without model.binary-codes).", "use cosine or euclidean.");
    }
    if (method == NeighborSearch.Method.LSH && settings.metric() != Metric.HAMMING) {
      LOG.warn("LSH on {} codes: the HNSW index (latentforge index, then neighbors --index) answered more queries "
          + "per second at higher recall at every size measured (deploy/PERFORMANCE.md)", settings.metric().key());
    }
    long start = System.nanoTime();
    Dataset<Row> asked = queries == null ? codes : queries;
    NeighborSearch.Result result = Stage.run(spark, Runs.GROUP, method.key() + " neighbours, k=" + settings.k(),
        () -> switch (method) {
          case EXACT -> NeighborSearch.exact(spark, codes, asked, settings);
          case LSH -> NeighborSearch.approximate(spark, codes, settings);
          case INDEX -> searchIndex(codes, asked, settings);
        });
    try {
      boolean measuresRecall = method == NeighborSearch.Method.LSH && settings.approximate().recallQueries() > 0;
      NeighborFigures found = new NeighborFigures(settings.k(), settings.metric().key(),
          method != NeighborSearch.Method.EXACT, queries == null ? "all rows" : "given", result.count(),
          measuresRecall ? Stage.run(spark, Runs.GROUP, "recall of approximate neighbours",
              () -> NeighborSearch.recall(spark, codes, result, settings)) : null,
          measuresRecall ? settings.approximate().recallQueries() : null, null, method.key());
      Stage.run(spark, Runs.GROUP, "stage neighbours", () -> sink.stage(result.rows(), out.neighbors(), result.count(),
          withModel(found)));
      NeighborFigures took = found.took((System.nanoTime() - start) / 1e9);
      updateMetrics(m -> m.withNeighbors(took));
      return took;
    } finally {
      result.release();
    }
  }

  /**
   * An HNSW index of the codes (OUT/indexes), published only when its recall against exact search,
   * measured on index.recall-queries codes, reaches index.min-recall; otherwise the date keeps no
   * index (an older one would not fit these codes) and, when {@code required}, the run stops.
   */
  IndexFigures index(Dataset<Row> codes, long rows, boolean required) {
    IndexSettings settings = config.index();
    NeighborSettings neighbors = config.neighbors();
    Path target = commit.partition(out.indexes());
    String skipped = neighbors.metric() == Metric.HAMMING
        ? "neighbors.metric = hamming: binary codes are searched exactly, by their packed bits"
        : rows == 0 ? "no codes"
        : !required && rows < settings.minRows() ? rows + " codes, fewer than index.min-rows = " + settings.minRows()
            + ": at this size building the index costs about what it saves" : null;
    if (skipped != null) {
      if (required) {
        throw LatentforgeException.usage("No index is built for " + runDate + ": " + skipped + ".",
            "index codes searched by cosine or euclidean distance (neighbors.metric).");
      }
      commit.remove(target);
      IndexFigures figures = IndexFigures.skipped(skipped);
      updateMetrics(m -> m.withIndex(figures));
      return figures;
    }
    Path staged = commit.stage(target);
    PartitionManifest codesManifest = codesManifest();
    String modelId = codesManifest == null ? null : codesManifest.modelId();
    String checksum = Stage.run(spark, Runs.GROUP, "checksum of the codes", () -> HnswSearch.checksum(codes));
    HnswSearch.Built built = Stage.run(spark, Runs.GROUP, "build HNSW index, m=" + settings.m() + ", ef-construction="
        + settings.efConstruction(), () -> HnswSearch.build(spark, codes, rows, neighbors.metric(), settings, staged,
            modelId, checksum));
    IndexFigures figures = Stage.run(spark, Runs.GROUP, "recall of the HNSW index",
        () -> indexRecall(codes, staged, built, rows));
    if (figures.recallAtK() != null && figures.recallAtK() < settings.minRecall()) {
      String why = String.format(java.util.Locale.ROOT, "recall@%d %.4f on %d codes is below index.min-recall %s",
          neighbors.k(), figures.recallAtK(), figures.recallQueries(), settings.minRecall());
      commit.remove(target);
      if (required) {
        throw LatentforgeException.badInput("The HNSW index of " + runDate + " was not published: " + why + ".",
            "raise index.m or index.ef-construction (or set a larger index.ef-search; it was " + figures.efSearch()
                + "), and rebuild.");
      }
      LOG.warn("the HNSW index of {} is not published: {}", runDate, why);
      figures = figures.belowMinRecall(why);
    } else {
      HadoopFiles.writeJson(hadoop(), new Path(staged, IndexManifest.FILE),
          built.manifest().published(runDate, commit.runId()).withBuild(figures));
      FaultHook.reached("index:staged");
    }
    IndexFigures recorded = figures;
    updateMetrics(m -> m.withIndex(recorded));
    return figures;
  }

  /** The build's figures, with recall and query rate measured on index.recall-queries codes (none: unmeasured). */
  private IndexFigures indexRecall(Dataset<Row> codes, Path staged, HnswSearch.Built built, long rows) {
    IndexSettings settings = config.index();
    NeighborSettings neighbors = config.neighbors();
    IndexRecall.Measured measured = null;
    if (settings.recallQueries() > 0) {
      Dataset<Row> sample = NeighborSearch.recallSample(codes, neighbors.seed(), settings.recallQueries())
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        measured = IndexRecall.measure(spark, codes, sample, staged, built.manifest(), neighbors, settings.efSearch(),
            settings.minRecall());
      } finally {
        sample.unpersist();
      }
    }
    return new IndexFigures(IndexFigures.PUBLISHED, null, neighbors.metric().key(), rows,
        built.manifest().shards().size(), settings.m(), settings.efConstruction(),
        measured != null ? measured.efSearch() : built.manifest().efSearch(), neighbors.k(),
        measured == null ? null : measured.recall(), measured == null ? null : measured.queries(),
        measured == null || measured.queriesPerSecond() == 0 ? null : measured.queriesPerSecond(), built.seconds(),
        built.threads());
  }

  /** Neighbours through the date's index (staged by this run, or published), refused when it no longer fits the codes. */
  private NeighborSearch.Result searchIndex(Dataset<Row> codes, Dataset<Row> queries, NeighborSettings settings) {
    Path published = commit.partition(out.indexes());
    Path partition = commit.staged(published) != null ? commit.staged(published) : published;
    IndexManifest manifest = HnswIndex.manifest(hadoop(), partition);
    String rebuild = "rebuild it with `latentforge index --output " + out.root() + " --run-date " + runDate + "`.";
    if (!manifest.metric().equals(settings.metric().key())) {
      throw LatentforgeException.usage("The index of " + runDate + " is for " + manifest.metric()
          + " distance, but neighbors.metric is " + settings.metric().key() + ".",
          "search with --metric " + manifest.metric() + ", or " + rebuild.replace("`.", " --set neighbors.metric="
              + settings.metric().key() + "`."));
    }
    PartitionManifest codesManifest = codesManifest();
    String mismatch = manifest.mismatch(codesManifest == null ? null : codesManifest.modelId(),
        codesManifest == null || codesManifest.rowCount() == null ? codes.count() : codesManifest.rowCount(),
        HnswSearch.checksum(codes));
    if (mismatch != null) {
      throw LatentforgeException.usage("The HNSW index of " + runDate + " does not fit its codes: " + mismatch + ".",
          rebuild);
    }
    Integer ef = config.index().efSearch();
    return HnswSearch.search(spark, partition, manifest, queries, settings, ef != null ? ef : manifest.efSearch(), null);
  }

  /** As {@link #cluster}, but with fewer rows than cluster.k only records why it did not cluster (nightly). */
  ClusterFigures clusterIfEnough(Dataset<Row> codes, long rows) {
    if (rows < config.cluster().k()) {
      LOG.warn("not clustering: {} rows, fewer than cluster.k = {}", rows, config.cluster().k());
      ClusterFigures skipped = ClusterFigures.skipped(rows + " rows, fewer than cluster.k = " + config.cluster().k());
      updateMetrics(m -> m.withClustering(skipped));
      return skipped;
    }
    return cluster(codes);
  }

  /** Clusters of the codes into OUT/clusters, centres into OUT/cluster_centers. */
  ClusterFigures cluster(Dataset<Row> codes) {
    Clustering.Clusters clusters = Stage.run(spark, Runs.GROUP, config.cluster().algorithm().name().toLowerCase(java.util.Locale.ROOT)
        + " clustering, k=" + config.cluster().k(), () -> Clustering.fit(spark, Clustering.codeVectors(codes),
            Columns.CODE, config.cluster()));
    try {
      List<Long> sizes = new ArrayList<>();
      clusters.centers().orderBy(Clustering.CLUSTER).collectAsList().forEach(r -> sizes.add(r.getLong(2)));
      ClusterFigures section = new ClusterFigures(
          config.cluster().algorithm().name().toLowerCase(java.util.Locale.ROOT), config.cluster().k(),
          clusters.rows(), clusters.silhouette(), sizes, null);
      Stage.run(spark, Runs.GROUP, "stage clusters", () -> {
        sink.stage(clusters.assignments(), out.clusters(), clusters.rows(), withModel(section));
        return sink.stage(clusters.centers(), out.clusterCenters(), sizes.size(), withModel(section));
      });
      updateMetrics(m -> m.withClustering(section));
      return section;
    } finally {
      clusters.release();
    }
  }

  /**
   * The model whose codes the steps read: its network and input spec (the report's image panels),
   * the corruption it trained with, its held-out rows (validation fraction and seed) and its epochs.
   */
  record CodesModel(MultiLayerNetwork network, ModelCard.Input input, ModelSpec.Corruption corruption,
      double validationFraction, long seed, List<EpochMetrics> epochs) {}

  /**
   * The steps nightly and {@code evaluate} share, in order: evaluation of the codes on the model's
   * held-out rows (when {@code evaluate}; {@code required}: an error rather than a note when there are
   * too few labelled rows), then the date's report (when {@code report}).
   *
   * @param corpus the corpus the codes were made from (for documents, the report shows their first words)
   */
  AfterPublishing evaluateAndReport(AfterPublishing found, Dataset<Row> codes, Featurized featurized, CodesModel model,
      String corpus, boolean evaluate, boolean report, boolean required) {
    AfterPublishing result = !evaluate ? found : evaluate(found, codes, featurized, model, required);
    return !report ? result : report(result, featurized, model, corpus);
  }

  /** {@code found} with the evaluation of the codes on the model's held-out rows. */
  AfterPublishing evaluate(AfterPublishing found, Dataset<Row> codes, Featurized featurized, CodesModel model,
      boolean required) {
    return found.withEvaluation(evaluate(codes, featurized.split().accepted(), featurized.evaluationInputs(),
        model.validationFraction(), model.seed(), required));
  }

  /** {@code found} with the date's report, written from its metrics.json and what the steps found. */
  AfterPublishing report(AfterPublishing found, Featurized featurized, CodesModel model, String corpus) {
    ReportContent.ImagePanels panels = featurized.kind() == CorpusKind.IMAGE
        ? panels(featurized.split().accepted(), heldOut(model.validationFraction(), model.seed()), model.network(),
            model.input(), model.corruption(), model.seed())
        : null;
    return found.withReport(report(model.epochs(), found.evaluation(), panels,
        featurized.kind() == CorpusKind.TEXT ? corpus : null));
  }

  /**
   * Evaluates the codes on held-out labelled rows; null (and a note in metrics.json) when the codes
   * carry no labels, or, unless {@code required}, fewer than 2 held-out rows carry one.
   */
  Evaluation.Result evaluate(Dataset<Row> codes, Dataset<Row> features, Evaluation.Inputs inputs, double validationFraction,
      long seed, boolean required) {
    if (!List.of(codes.columns()).contains(Columns.LABEL)) {
      recordEvaluation(EvaluationFigures.skipped("the corpus has no label column"));
      return null;
    }
    boolean trainedOnAll = validationFraction == 0;
    Column heldOut = heldOut(validationFraction, seed);
    Dataset<Row> held = Evaluation.labelledHeldOut(codes, heldOut);
    long labelled = held.count();
    if (labelled < 2) {
      String problem = labelled + " held-out rows carry a label; evaluation needs at least 2";
      if (required) {
        throw LatentforgeException.badInput(problem + ".",
            "add labelled rows or raise evaluate.holdout-fraction / train.validation-fraction.");
      }
      recordEvaluation(EvaluationFigures.skipped(problem));
      return null;
    }
    Evaluation.Result result = Stage.run(spark, Runs.GROUP, "evaluate codes and baselines",
        () -> Evaluation.run(spark, features, held, labelled, heldOut, trainedOnAll, inputs, config.evaluate(), seed));
    recordEvaluation(EvaluationFigures.of(result));
    return result;
  }

  /**
   * The rows evaluation holds out: training's validation rows, or when training held out none,
   * {@code evaluate.holdout-fraction} of the rows chosen the same way.
   */
  Column heldOut(double validationFraction, long seed) {
    return HeldOutSplit.heldOut(validationFraction == 0 ? config.evaluate().holdoutFraction() : validationFraction,
        seed);
  }

  /**
   * Writes the date's report from its metrics.json and what this run has in hand.
   *
   * @param documents the document corpus (its retrieval examples are shown by their first words), or null
   */
  String report(List<EpochMetrics> epochs, Evaluation.Result evaluation, ReportContent.ImagePanels panels,
      String documents) {
    float[][] projection = evaluation == null ? null : project(evaluation.codes());
    Map<String, String> firstWords = documents == null || evaluation == null || evaluation.examples() == null
        ? Map.of() : Stage.run(spark, Runs.GROUP, "first words of the retrieval examples",
            () -> firstWords(documents, evaluation.examples()));
    ReportContent content = new ReportContent(runDate, metrics(), epochs, evaluation, projection, panels, firstWords,
        history());
    Stage.run(spark, Runs.GROUP, "write report", () -> ReportWriter.write(hadoop(), commit.report(true).toString(),
        content));
    return out.report(runDate) + "/" + ReportWriter.REPORT;
  }

  /** The first {@link #FIRST_WORDS} words of each document the retrieval examples show, by id. */
  private Map<String, String> firstWords(String documents, Evaluation.Examples examples) {
    List<Object> ids = new ArrayList<>();
    for (int q = 0; q < examples.queries().length; q++) {
      ids.add(examples.ids()[examples.queries()[q]]);
      for (int[][] neighbors : examples.neighbors().values()) {
        for (int j : neighbors[q]) {
          ids.add(examples.ids()[j]);
        }
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    CorpusSource.layout(spark, documents, CorpusKind.TEXT, config.input()).rows()
        .where(col(Columns.ID).isin(ids.toArray())).select(Columns.ID, CorpusSource.CONTENT).collectAsList()
        .forEach(r -> out.putIfAbsent(r.getString(0), firstWords(r.getString(1))));
    return out;
  }

  private static final int FIRST_WORDS = 12;

  static String firstWords(String text) {
    if (text == null) {
      return "";
    }
    String[] words = text.strip().split("\\s+", FIRST_WORDS + 1);
    return String.join(" ", java.util.Arrays.copyOf(words, Math.min(words.length, FIRST_WORDS)))
        + (words.length > FIRST_WORDS ? " ..." : "");
  }

  /** Held-out inputs over their reconstructions (and, for denoising models, their corrupted copies). */
  ReportContent.ImagePanels panels(Dataset<Row> features, Column heldOut, MultiLayerNetwork network,
      ModelCard.Input input, ModelSpec.Corruption corruption, long seed) {
    List<Row> rows = features.where(heldOut).orderBy(xxhash64(col(Columns.ID), lit(seed))).limit(PANEL_IMAGES)
        .select(Columns.FEATURES).collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Vector) rows.get(i).get(0)).toArray();
    }
    INDArray clean = Nd4j.create(x).castTo(network.params().dataType());
    List<String> names = new ArrayList<>(List.of("inputs"));
    List<float[][]> images = new ArrayList<>();
    images.add(clean.toFloatMatrix());
    String caption = "Held-out images and the autoencoder's reconstructions.";
    if (corruption.type() != ModelSpec.CorruptionType.NONE) {
      INDArray corrupted = new Corruption(corruption).corrupt(clean, new SplittableRandom(seed));
      names.add("corrupted (" + corruption.type().name().toLowerCase(java.util.Locale.ROOT) + " " + corruption.level() + ")");
      images.add(corrupted.toFloatMatrix());
      names.add("reconstructed from the corrupted");
      images.add(network.output(corrupted, false).toFloatMatrix());
      caption = "Held-out images, corrupted as in training, and the denoising autoencoder's reconstructions.";
    } else {
      names.add("reconstructions");
      images.add(network.output(clean, false).toFloatMatrix());
    }
    return new ReportContent.ImagePanels(caption, names, images.toArray(new float[0][][]),
        input.channels(), input.height(), input.width());
  }

  /** The evaluated codes on their first two principal components (Spark MLlib's PCA). */
  private float[][] project(float[][] codes) {
    if (codes.length < 2 || codes[0].length < 2) {
      return null;
    }
    Dataset<Row> data = Evaluation.frame(spark, codes);
    float[][] out = new float[codes.length][];
    new PCA().setK(2).setInputCol("v").setOutputCol("p").fit(data).transform(data).select("i", "p").collectAsList()
        .forEach(r -> {
          double[] p = ((Vector) r.get(1)).toArray();
          out[r.getInt(0)] = new float[] {(float) p[0], (float) p[1]};
        });
    return out;
  }

  private PartitionManifest withModel(Object figures) {
    PartitionManifest codes = codesManifest();
    return PartitionManifest.step(codes == null ? null : codes.modelId(), figures);
  }

  private void recordEvaluation(EvaluationFigures section) {
    updateMetrics(m -> m.withEvaluation(section));
  }

  void recordDrift(DriftFigures drift) {
    updateMetrics(m -> m.withDrift(drift));
  }

  void recordGates(String status, List<GateResult> gates) {
    updateMetrics(m -> m.withGates(status, gates));
  }

  /**
   * The metrics.json of up to {@link #HISTORY} published dates before this one, oldest first (the
   * report's drift history).
   */
  List<RunMetrics> history() {
    Path reports = new Path(out.reports());
    String before = Columns.RUN_DATE + "=" + runDate;
    List<RunMetrics> history = new ArrayList<>();
    try {
      FileSystem fs = reports.getFileSystem(hadoop());
      if (!fs.exists(reports)) {
        return history;
      }
      List<String> dates = new ArrayList<>();
      for (FileStatus dir : fs.listStatus(reports)) {
        String name = dir.getPath().getName();
        if (name.startsWith(Columns.RUN_DATE + "=") && name.compareTo(before) < 0) {
          dates.add(name);
        }
      }
      java.util.Collections.sort(dates);
      for (String name : dates.subList(Math.max(0, dates.size() - HISTORY), dates.size())) {
        RunMetrics m = HadoopFiles.readIfExists(hadoop(), new Path(new Path(reports, name), RunMetrics.FILE),
            RunMetrics::read);
        if (m != null) {
          history.add(m);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the earlier reports under " + reports, e);
    }
    return history;
  }

  /** Earlier runs the report's history shows. */
  static final int HISTORY = 30;

  /** Sets one step's section of the date's metrics.json, keeping the others. */
  private void updateMetrics(UnaryOperator<RunMetrics> change) {
    HadoopFiles.writeJson(hadoop(), metricsFile(), change.apply(metrics()));
  }

  /** The date's metrics.json in the staged report: this run's, or a copy of the published one. */
  private Path metricsFile() {
    return new Path(commit.report(true), RunMetrics.FILE);
  }

  /** The date's metrics.json as staged so far; {@link RunMetrics#NONE} when no run wrote one. */
  RunMetrics metrics() {
    RunMetrics written = HadoopFiles.readIfExists(hadoop(), metricsFile(), RunMetrics::read);
    return written == null ? RunMetrics.NONE : written;
  }

  private Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }
}
