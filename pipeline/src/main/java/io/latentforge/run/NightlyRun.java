package io.latentforge.run;

import com.typesafe.config.ConfigFactory;
import io.latentforge.FaultHook;
import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.config.ConvPlan;
import io.latentforge.config.ImageFeatures;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.NightlySettings;
import io.latentforge.config.PublishSettings;
import io.latentforge.config.TrainSettings;
import io.latentforge.drift.CodeDrift;
import io.latentforge.drift.DriftFigures;
import io.latentforge.drift.GateResult;
import io.latentforge.drift.Gates;
import io.latentforge.encode.CodeMean;
import io.latentforge.encode.EncodedCorpus;
import io.latentforge.encode.FeatureEncoder;
import io.latentforge.encode.ModelToEncode;
import io.latentforge.encode.RowCounts;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.input.CorpusSource;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.CodeCentering;
import io.latentforge.model.CodeLayer;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.parquet.TableRows;
import io.latentforge.publish.DateCommit;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.report.RunMetrics;
import io.latentforge.schema.CorpusKind;
import io.latentforge.train.Checkpoints;
import io.latentforge.train.Corruption;
import io.latentforge.train.LayerwisePretraining;
import io.latentforge.train.NeighbourTargets;
import io.latentforge.train.PcaInitialization;
import io.latentforge.train.SparkTrainer;
import io.latentforge.train.TrainingPca;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly pipeline: read the corpus, featurize (bad rows to rejects), train the autoencoder
 * with parameter averaging, encode every accepted row, run the nightly steps over those codes,
 * then publish the model, the rejects, the codes, the steps' tables and the report as one unit
 * ({@link DateCommit}). One run at a time per output root (a lock).
 */
public final class NightlyRun {

  private static final Logger LOG = LoggerFactory.getLogger(NightlyRun.class);

  private final SparkSession spark;

  public NightlyRun(SparkSession spark) {
    this.spark = spark;
  }

  public RunResult execute(NightlyRequest request) {
    Night night = new Night(request);
    try (OutputLock lock = Runs.lock(hadoop(), night.out, "nightly " + night.modelId,
        night.config.publish().retention())) {
      night.hold(lock);
      night.requireCodeShape();
      night.requirePcaStartApplies();
      night.checkIds();
      night.warmStart();
      night.featurize();
      try {
        return Runs.publishing(night.commit, () -> {
          night.admit();
          night.train();
          night.centreCodes();
          night.alignCodes();
          night.stageModel();
          night.encodeAndStageCodes();
          night.meanInputBaseline();
          night.stageModelCard();
          night.writeMetrics();
          RunResult result = night.afterEncoding();
          night.publishUnlessGated();
          return result;
        });
      } finally {
        night.releaseFeatures();
      }
    }
  }

  /**
   * One nightly run, as the stages {@link #execute} calls in order; each stage reads what the ones
   * before it set.
   */
  private final class Night {
    private final NightlyRequest request;
    private final LatentforgeConfig config;
    private final String runDate;
    private final String modelId;
    private final OutputLayout out;
    private DateCommit commit;
    private OutputPublisher publisher;
    private final CorpusSource.Layout layout;
    private final ModelStore store = new ModelStore(hadoop());
    private CorpusSource.Corpus corpus;
    /** The model training starts from (train.init); null: from scratch. */
    private ModelStore.Loaded parent;
    private Featurized featurized;
    private FeatureEncoder features;
    private RowCounts counts;
    private ModelSpec.Loss loss;
    private Autoencoder.Architecture architecture;
    private SparkTrainer.Trained trained;
    /** The neighbours each training row's target blended in (train.target-neighbours decided); 0: the row itself. */
    private int targetNeighbours;
    private boolean centred;
    /** Whether tonight's codes were rotated onto the previous partition's. */
    private boolean aligned;
    /** The publish gates, as checked once the steps ran. */
    private List<GateResult> gates = List.of();
    private Path stagedModel;
    private String sha256;
    private EncodedCorpus encoded;
    private double meanReconError;
    private double baseline;

    /** Everything checked that can be before any Spark job runs. */
    Night(NightlyRequest request) {
      this.request = request;
      this.config = request.config();
      Autoencoder.requireFits(config.model(), request.kind());
      this.layout = CorpusSource.layout(spark, request.input(), request.kind(), config.input());
      this.runDate = request.runDate().toString();
      this.modelId = modelId(request);
      this.out = new OutputLayout(request.output());
    }

    /** Everything the run publishes is staged in one commit, under the output root's lock. */
    void hold(OutputLock lock) {
      commit = new DateCommit(hadoop(), out, runDate, lock.runId(), lock::requireHeld);
      publisher = new OutputPublisher(spark, commit, request.kind(), request.input());
    }

    void requireCodeShape() {
      publisher.requireCodeShape(config.model().codeSize(), config.model().binaryCodes());
    }

    /** train.pretrain = pca refused, before any work, for a network it cannot start. */
    void requirePcaStartApplies() {
      if (config.train().pretrain().kind() == TrainSettings.PretrainKind.PCA) {
        PcaInitialization.requireApplicable(config.model(), resolvedLoss());
      }
    }

    private ModelSpec.Loss resolvedLoss() {
      return Autoencoder.resolveLoss(config.model().loss(), request.kind(), config.text(), config.image().standardize());
    }

    /**
     * train.pretrain = auto decided: a start from PCA where one applies and its covariance
     * (features^2) is within evaluate.pca-max-features, none otherwise.
     */
    private boolean startsFromPca() {
      TrainSettings.PretrainKind kind = config.train().pretrain().kind();
      boolean wanted = kind == TrainSettings.PretrainKind.PCA
          || kind == TrainSettings.PretrainKind.AUTO && PcaInitialization.applies(config.model(), loss);
      int limit = config.evaluate().pcaMaxFeatures();
      if (!wanted || featurized.inputSize() <= limit) {
        return wanted;
      }
      String why = featurized.inputSize() + " features are above evaluate.pca-max-features = " + limit;
      if (kind == TrainSettings.PretrainKind.PCA) {
        throw LatentforgeException.usage("train.pretrain = pca: " + why + " (PCA's covariance is features^2).",
            "raise evaluate.pca-max-features, use fewer features, or set train.pretrain = none.");
      }
      LOG.info("train.pretrain = auto: no start from PCA, {}", why);
      return false;
    }

    /**
     * train.target-neighbours decided for this corpus (auto: documents only); finding neighbours
     * takes PCA of the rows, so above evaluate.pca-max-features auto trains on the rows themselves
     * and an explicit setting is refused.
     */
    private int targetNeighbours() {
      TrainSettings.Target target = config.train().target();
      int neighbours = target.neighboursFor(request.kind());
      int limit = config.evaluate().pcaMaxFeatures();
      if (neighbours == 0 || featurized.inputSize() <= limit) {
        return neighbours;
      }
      String why = featurized.inputSize() + " features are above evaluate.pca-max-features = " + limit;
      if (!target.auto()) {
        throw LatentforgeException.usage("train.target-neighbours = " + neighbours + " finds neighbours by PCA of the "
                + "rows: " + why + " (PCA's covariance is features^2).",
            "raise evaluate.pca-max-features, use fewer features, or set train.target-neighbours = 0.");
      }
      LOG.info("train.target-neighbours = auto: each row is its own target, {}", why);
      return 0;
    }

    void checkIds() {
      corpus = Stage.run(spark, Runs.GROUP, "check the ids of " + request.input(), () -> CorpusSource.checkIds(layout));
      LOG.info("nightly {} run for {}: input {}, model {}", Runs.kindName(request.kind()), runDate, request.input(), modelId);
    }

    void warmStart() {
      parent = WarmStarts.parent(hadoop(), config, out, runDate, request.kind());
    }

    /** Fitted on the corpus, or, for a warm start, the parent model's (unless features.refit). */
    void featurize() {
      boolean reuse = parent != null && !config.warmStart().refit();
      featurized = Stage.run(spark, Runs.GROUP, "featurize " + request.input(),
          () -> reuse ? Featurization.likeModel(corpus, request.kind(), config, parent)
              : Featurization.fit(corpus, request.kind(), config));
      features = new FeatureEncoder(spark, featurized.split(), featurized.inputSize());
    }

    /** Rejects published, and the run stopped unless enough rows and some vocabulary are left. */
    void admit() {
      RowCounts read = Stage.run(spark, Runs.GROUP, "featurize and count rows and rejects", features::counts);
      counts = publisher.admit(read, new TableRows.Pending(featurized.split().rejects()),
          config.input().maxRejectFraction());
      requireVocabulary(featurized, request);
      FaultHook.reached("nightly:rejects-staged");
    }

    void train() {
      loss = resolvedLoss();
      architecture = Autoencoder.build(modelSpec(), loss, featurized.inputSize(), imageShape(request), config.train());
      SparkTrainer.Paths paths = new SparkTrainer.Paths(out.scratch(modelId), out.checkpoints(modelId), fingerprint());
      boolean pcaStart = parent == null && startsFromPca();
      targetNeighbours = targetNeighbours();
      TrainingPca pca = pcaStart || targetNeighbours > 0 ? trainingPca(pcaStart) : null;
      Consumer<MultiLayerNetwork> initialize;
      if (parent != null) {
        WarmStarts.requireCompatible(parent, architecture.configuration(), config.model(), featurized.inputSize());
        initialize = network -> network.setParams(parent.network().params());
      } else if (pcaStart) {
        initialize = network -> PcaInitialization.initialize(network, pca, featurized.inputSize());
      } else {
        initialize = LayerwisePretraining.initializer(new LayerwisePretraining.Plan(spark,
            featurized.split().accepted(), featurized.inputSize(), config.model(), loss, config.train(), paths));
      }
      Dataset<Row> rows = targetNeighbours == 0 ? featurized.split().accepted()
          : NeighbourTargets.attach(pca, config.model().codeSize(), targetNeighbours, counts.accepted());
      try {
        trained = SparkTrainer.fit(spark, rows, featurized.inputSize(), architecture,
            new Corruption(config.model().trainingCorruption()), config.train(), paths, initialize);
      } catch (LatentforgeException e) {
        throw e.kind() == LatentforgeException.Kind.TRAINING_DIVERGED ? publisher.diverged(e, counts, modelId) : e;
      } finally {
        if (rows != featurized.split().accepted()) {
          rows.unpersist();
        }
      }
      FaultHook.reached("nightly:trained");
    }

    /** One PCA of the training rows for the PCA start and the targets, as wide as the wider needs. */
    private TrainingPca trainingPca(boolean pcaStart) {
      int inputs = featurized.inputSize();
      int start = pcaStart ? PcaInitialization.components(architecture.configuration(), inputs) : 0;
      int targets = targetNeighbours > 0 ? Math.min(config.model().codeSize(), inputs) : 0;
      return new TrainingPca(spark, featurized.split().accepted(), Math.max(start, targets), config.train());
    }

    /** model.vae.noise-variance = auto decided: the rows' variance per feature. */
    private ModelSpec modelSpec() {
      if (!Autoencoder.needsNoiseVariance(config.model(), loss)) {
        return config.model();
      }
      double variance = Stage.run(spark, Runs.GROUP, "input variance for the VAE's decoder",
          () -> features.meanInputBaseline() / featurized.inputSize());
      if (!(variance > 0)) {
        throw LatentforgeException.badInput("The featurized rows of " + request.input() + " do not vary (variance "
            + variance + "), so a VAE's decoder variance cannot follow them.", "set model.vae.noise-variance.");
      }
      LOG.info("VAE decoder variance {} per feature (model.vae.noise-variance = auto)", variance);
      return config.model().withNoiseVariance(variance);
    }

    /**
     * What checkpoints must have been written for to be resumed: the corpus's files as they are
     * now (paths, sizes, modification times), its row count and the settings.
     */
    private String fingerprint() {
      String identity = String.join("\n", CorpusSource.fileStamps(spark, layout)) + "\nrows " + counts.read() + "\n"
          + config.rendered();
      return sha256(identity).substring(0, 16);
    }

    /** Codes of mean zero over the corpus, before any is published (see {@link CodeCentering}). */
    void centreCodes() {
      if (!CodeCentering.applies(config.model())) {
        return;
      }
      double[] mean = Stage.run(spark, Runs.GROUP, "mean code", () -> CodeMean.of(spark, featurized.split().accepted(),
          network(), "uncentred-" + modelId, architecture.code(), featurized.inputSize(), config.encode().batchSize()));
      if (mean != null) {
        CodeCentering.centre(network(), architecture.code(), mean);
        centred = true;
      }
    }

    /** Tonight's codes rotated onto the newest earlier partition's (publish.align), before any is written. */
    void alignCodes() {
      if (!CodeCentering.applies(config.model()) || config.publish().align() != PublishSettings.Align.PROCRUSTES) {
        return;
      }
      aligned = Stage.run(spark, Runs.GROUP, "align codes", () -> CodeAlignment.align(spark, out, runDate,
          featurized.split().accepted(), network(), architecture.code(), config.publish().alignRows())).isPresent();
    }

    /** The model directory written, to be published with the codes (before them: they name it). */
    void stageModel() {
      stagedModel = commit.stage(new Path(out.model(modelId)));
      sha256 = store.saveNetwork(stagedModel.toString(), network());
      if (featurized.vocabulary() != null) {
        store.saveVocabulary(stagedModel.toString(), featurized.vocabulary());
      }
    }

    void encodeAndStageCodes() {
      CodeLayer code = architecture.code();
      encoded = features.encode(new ModelToEncode(network(), modelId, code, config.encode().batchSize()), null);
      meanReconError = Stage.run(spark, Runs.GROUP, "encode and stage codes", () -> publisher.codes(encoded,
          PartitionManifest.codes(modelId, sha256, config.model().codeSize(), code.binary(), counts.rejected(),
              request.input()).withParent(parentId())));
      FaultHook.reached("nightly:codes-staged");
    }

    void meanInputBaseline() {
      baseline = Stage.run(spark, Runs.GROUP, "mean-input baseline", () -> encoded.meanInputBaseline().getAsDouble());
    }

    /** The model card joins the staged model; the checkpoints move under it when it is published. */
    void stageModelCard() {
      store.saveCard(stagedModel.toString(), card());
      Path checkpoints = new Path(out.checkpoints(modelId));
      if (HadoopFiles.exists(hadoop(), checkpoints)) {
        commit.moveAtCommit(checkpoints, new Path(out.model(modelId), Checkpoints.IN_MODEL));
      }
    }

    void writeMetrics() {
      publisher.metrics("published", counts, modelId, trained.epochs(), errors());
    }

    /**
     * Everything staged made visible at once, then the catalog learns of the new partition; unless a
     * publish gate failed: then the run is kept for review in the audit area, and fails (exit 7).
     */
    void publishUnlessGated() {
      if (Gates.stops(gates)) {
        Path area = commit.audit();
        throw LatentforgeException.gated("A publish gate stopped the run of " + runDate + ": " + gates.stream()
                .filter(g -> !g.passed()).map(GateResult::toString).collect(Collectors.joining("; "))
                + ". Nothing was published: the date's tables are as they were. The run's codes, model, metrics "
                + "and report are kept in " + area + ".",
            "look at its report (" + area + "/reports/report.html); if it is right, publish it with latentforge "
                + "promote --run-date " + runDate + "; otherwise fix the input and rerun. The limits are publish.gates.");
      }
      publisher.commit();
      if (config.output().registersTable()) {
        publisher.registerTable(config.output().table());
      }
    }

    void releaseFeatures() {
      featurized.split().release();
    }

    /**
     * The configured nightly steps over tonight's staged codes, then the drift from the previous
     * partition and the publish gates, and the report last, with what they found.
     */
    RunResult afterEncoding() {
      Downstream downstream = new Downstream(spark, commit, config);
      Dataset<Row> codes = downstream.codes();
      AfterPublishing found = AfterPublishing.NONE;
      if (!config.nightly().runs(NightlySettings.Step.INDEX)) {
        // Tonight's codes replace the date's: an index built before would no longer fit them.
        commit.remove(commit.partition(out.indexes()));
      }
      for (NightlySettings.Step step : config.nightly().steps()) {
        found = switch (step) {
          case INDEX -> found.withIndex(downstream.index(codes, counts.accepted(), false));
          case NEIGHBORS -> found.withNeighbors(downstream.neighbors(codes, null, found.neighborMethod(),
              config.neighbors()));
          case CLUSTER -> found.withClustering(downstream.clusterIfEnough(codes, counts.accepted()));
          case EVALUATE, REPORT -> found;
        };
      }
      Downstream.CodesModel model = new Downstream.CodesModel(network(), featurized.inputSpec(config.image()),
          config.model().trainingCorruption(), config.train().stopping().validationFraction(), config.train().seed(),
          trained.epochs());
      DriftFigures drift = new NightDrift(spark, config, out, runDate).measure(codes, stagedClusters(), aligned,
          new NightDrift.Tonight(modelId, network(), featurized,
              downstream.heldOut(model.validationFraction(), model.seed()), corpus, request.kind())).orElse(null);
      if (drift != null) {
        downstream.recordDrift(drift);
      }
      if (config.nightly().runs(NightlySettings.Step.EVALUATE)) {
        found = downstream.evaluate(found, codes, featurized, model, false);
      }
      checkGates(downstream, drift);
      if (config.nightly().runs(NightlySettings.Step.REPORT)) {
        found = downstream.report(found, featurized, model, request.input());
      }
      FaultHook.reached("nightly:steps-staged");
      return result().withDownstream(found);
    }

    private void checkGates(Downstream downstream, DriftFigures drift) {
      RunMetrics previous = drift == null ? null
          : HadoopFiles.readIfExists(hadoop(), new Path(out.metrics(drift.previousRunDate())), RunMetrics::read);
      gates = Gates.check(config.publish().gates(), drift, downstream.metrics().evaluation(),
          previous == null ? null : previous.evaluation());
      if (!gates.isEmpty()) {
        downstream.recordGates(Gates.stops(gates) ? "gated" : "published", gates);
        gates.forEach(g -> LOG.info("publish gate {}", g));
      }
    }

    /** Tonight's clusters as staged, null when the run does not cluster. */
    private CodeDrift.Clusters stagedClusters() {
      Path assignments = commit.staged(commit.partition(out.clusters()));
      Path centers = commit.staged(commit.partition(out.clusterCenters()));
      return assignments == null || centers == null ? null : new CodeDrift.Clusters(
          spark.read().parquet(assignments.toString()), spark.read().parquet(centers.toString()));
    }

    private MultiLayerNetwork network() {
      return trained.network();
    }

    private ModelCard.Metrics errors() {
      return new ModelCard.Metrics(meanReconError, baseline);
    }

    private RunResult result() {
      return new RunResult(modelId, counts.read(), counts.accepted(), counts.rejectsByReason(), trained.epochs(),
          out.codes(), out.rejects(), out.model(modelId), featurized.inputSize(), config.model().codeSize(),
          meanReconError, baseline, AfterPublishing.NONE);
    }

    private ModelCard card() {
      CodeLayer code = architecture.code();
      return new ModelCard(ModelCard.FORMAT_VERSION, modelId, config.model().type().name().toLowerCase(Locale.ROOT),
          loss.name().toLowerCase(Locale.ROOT), config.model().codeSize(), code.index(), code.binary(), centred,
          featurized.inputSpec(config.image()), request.input(), runDate, counts.asRows(), trained.epochs(),
          new ModelCard.Training(trained.stopReason(), trained.resumedFrom(), trained.workers(),
              trained.batchSizePerWorker(), targetNeighbours), errors(), ModelStore.MODEL_FILE,
          sha256, Instant.now().toString(), ConfigFactory.parseString(config.rendered()).root().unwrapped(), null,
          parentId());
    }

    private String parentId() {
      return parent == null ? null : parent.modelId();
    }
  }

  private static ConvPlan.Shape imageShape(NightlyRequest request) {
    ImageFeatures image = request.config().image();
    return request.kind() == CorpusKind.IMAGE ? new ConvPlan.Shape(image.channels(), image.height(), image.width()) : null;
  }


  private org.apache.hadoop.conf.Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private static void requireVocabulary(Featurized featurized, NightlyRequest request) {
    if (request.kind() == CorpusKind.TEXT && featurized.vocabularySize() == 0) {
      throw LatentforgeException.badInput("No term occurs in at least features.text.min-df="
              + request.config().text().minDf() + " documents, so the vocabulary is empty.",
          "lower features.text.min-df or add documents.");
    }
  }

  /** Stable for a rerun of the same date, kind, input and config; different when any changes. */
  static String modelId(NightlyRequest request) {
    String identity = request.kind() + "\n" + request.input() + "\n" + request.runDate() + "\n" + request.config().rendered();
    return Runs.kindName(request.kind()) + "-" + request.config().model().type().name().toLowerCase(Locale.ROOT) + "-"
        + request.runDate() + "-" + sha256(identity).substring(0, 8);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
