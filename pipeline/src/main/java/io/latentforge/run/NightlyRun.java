package io.latentforge.run;

import com.typesafe.config.ConfigFactory;
import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.config.ConvPlan;
import io.latentforge.config.ImageFeatures;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.NightlySettings;
import io.latentforge.encode.CodeMean;
import io.latentforge.encode.Encoder;
import io.latentforge.input.CorpusSource;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.CodeCentering;
import io.latentforge.model.CodeLayer;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.schema.CorpusKind;
import io.latentforge.train.Checkpoints;
import io.latentforge.train.Corruption;
import io.latentforge.train.LayerwisePretraining;
import io.latentforge.train.SparkTrainer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly pipeline: read the corpus, featurize (bad rows to rejects), train the autoencoder
 * with parameter averaging, stage the model, encode every accepted row, publish the code table,
 * then the model. One run at a time per output root (a lock).
 */
public final class NightlyRun {

  private static final Logger LOG = LoggerFactory.getLogger(NightlyRun.class);

  private final SparkSession spark;

  public NightlyRun(SparkSession spark) {
    this.spark = spark;
  }

  public RunResult execute(NightlyRequest request) {
    LatentforgeConfig config = request.config();
    Autoencoder.requireFits(config.model(), request.kind());
    CorpusSource.Layout layout = CorpusSource.layout(spark, request.input(), request.kind(), config.input());
    String runDate = request.runDate().toString();
    String modelId = modelId(request);
    OutputLayout out = new OutputLayout(request.output());
    OutputPublisher publisher = new OutputPublisher(spark, out, runDate, request.kind(), request.input());
    try (OutputLock lock = OutputLock.acquire(hadoop(), out.root(), "nightly " + modelId)) {
      publisher.requireCodeShape(config.model().codeSize(), config.model().binaryCodes());
      CorpusSource.Corpus corpus = Stage.run(spark, Runs.GROUP, "check the ids of " + request.input(),
          () -> CorpusSource.checkIds(layout));
      LOG.info("nightly {} run for {}: input {}, model {}", Runs.kindName(request.kind()), runDate, request.input(), modelId);
      Featurized featurized = Stage.run(spark, Runs.GROUP, "featurize " + request.input(),
          () -> Featurization.fit(corpus, request.kind(), config));
      try {
        return trainAndPublish(new Tonight(request, out, publisher, modelId), featurized);
      } finally {
        featurized.split().release();
      }
    }
  }

  /** What every step of one nightly run needs. */
  private record Tonight(NightlyRequest request, OutputLayout out, OutputPublisher publisher, String modelId) {}

  /** A model directory being written, published only when the codes are. */
  private record StagedModel(ModelStore store, String dir) {}

  private RunResult trainAndPublish(Tonight tonight, Featurized featurized) {
    NightlyRequest request = tonight.request();
    OutputPublisher publisher = tonight.publisher();
    LatentforgeConfig config = request.config();
    RunCounts counts = publisher.admit(featurized.split(), config.input().maxRejectFraction());
    requireVocabulary(featurized, request);

    ModelSpec.Loss loss = Autoencoder.resolveLoss(config.model().loss(), request.kind(), config.text(),
        config.image().standardize());
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), loss, featurized.inputSize(),
        imageShape(request), config.train());
    SparkTrainer.Paths paths = new SparkTrainer.Paths(tonight.out().scratch(tonight.modelId()),
        tonight.out().checkpoints(tonight.modelId()));
    Consumer<MultiLayerNetwork> initialize = LayerwisePretraining.initializer(new LayerwisePretraining.Plan(spark,
        featurized.split().accepted(), featurized.inputSize(), config.model(), loss, config.train(), paths));
    SparkTrainer.Trained trained = SparkTrainer.fit(spark, featurized.split().accepted(), featurized.inputSize(),
        architecture, new Corruption(config.model().trainingCorruption()), config.train(), paths, initialize);
    boolean centred = centreCodes(tonight, featurized, architecture.code(), trained.network());

    ModelStore store = new ModelStore(hadoop());
    StagedModel staged = new StagedModel(store, store.stage(tonight.out().models(), tonight.modelId()));
    try {
      return publish(tonight, featurized, counts, new Trained(loss, architecture.code(), trained, centred), staged);
    } catch (RuntimeException e) {
      store.discard(staged.dir());
      throw e;
    }
  }

  /**
   * Codes of mean zero over the corpus, before any is published (see {@link CodeCentering}); false
   * when the model's codes are not centred.
   */
  private boolean centreCodes(Tonight tonight, Featurized featurized, CodeLayer code, MultiLayerNetwork network) {
    LatentforgeConfig config = tonight.request().config();
    if (!CodeCentering.applies(config.model())) {
      return false;
    }
    double[] mean = Stage.run(spark, Runs.GROUP, "mean code", () -> CodeMean.of(spark, featurized.split().accepted(),
        network, "uncentred-" + tonight.modelId(), code, featurized.inputSize(), config.encode().batchSize()));
    if (mean == null) {
      return false;
    }
    CodeCentering.centre(network, code, mean);
    return true;
  }

  private static ConvPlan.Shape imageShape(NightlyRequest request) {
    ImageFeatures image = request.config().image();
    return request.kind() == CorpusKind.IMAGE ? new ConvPlan.Shape(image.channels(), image.height(), image.width()) : null;
  }

  /** The trained network with the loss it was trained on, where its code is and whether it is centred. */
  private record Trained(ModelSpec.Loss loss, CodeLayer code, SparkTrainer.Trained result, boolean centred) {
    MultiLayerNetwork network() {
      return result.network();
    }
  }

  private RunResult publish(Tonight tonight, Featurized featurized, RunCounts counts, Trained trained,
      StagedModel staged) {
    NightlyRequest request = tonight.request();
    OutputLayout out = tonight.out();
    OutputPublisher publisher = tonight.publisher();
    String modelId = tonight.modelId();
    LatentforgeConfig config = request.config();
    ModelStore store = staged.store();
    String sha256 = store.saveNetwork(staged.dir(), trained.network());
    if (featurized.vocabulary() != null) {
      store.saveVocabulary(staged.dir(), featurized.vocabulary());
    }
    double meanReconError = Stage.run(spark, Runs.GROUP, "encode and publish codes", () -> publisher.codes(
        Encoder.encode(spark, featurized.split().accepted(), trained.network(), modelId, trained.code(), featurized.inputSize(),
            config.encode().batchSize()),
        counts.accepted(), PartitionManifest.codes(modelId, sha256, config.model().codeSize(), trained.code().binary(),
            counts.rejected(), request.input())));
    double baseline = Stage.run(spark, Runs.GROUP, "mean-input baseline",
        () -> Runs.meanInputBaseline(featurized.split().accepted(), counts.accepted()));

    RunResult result = new RunResult(modelId, counts.read(), counts.accepted(), counts.rejectsByReason(),
        trained.result().epochs(), out.codes(), out.rejects(), out.model(modelId), featurized.inputSize(),
        config.model().codeSize(), meanReconError, baseline, AfterPublishing.NONE);
    ModelCard card = card(request, result, trained, sha256, featurized, counts);
    store.saveCard(staged.dir(), card);
    new Checkpoints(hadoop(), out.checkpoints(modelId)).moveInto(staged.dir());
    store.commit(staged.dir(), out.models(), modelId);
    publisher.metrics("published", counts, modelId, card.epochs(), card.metrics());
    if (config.output().registersTable()) {
      publisher.registerTable(config.output().table());
    }
    return result.withDownstream(afterPublishing(tonight, featurized, trained, counts.accepted()));
  }

  /** The configured nightly steps over tonight's published codes; the report last, with what they found. */
  private AfterPublishing afterPublishing(Tonight tonight, Featurized featurized, Trained trained, long rows) {
    LatentforgeConfig config = tonight.request().config();
    Downstream downstream = new Downstream(spark, tonight.out(), tonight.request().runDate().toString(), config);
    Dataset<Row> codes = downstream.codes();
    AfterPublishing found = AfterPublishing.NONE;
    for (NightlySettings.Step step : config.nightly().steps()) {
      found = switch (step) {
        case NEIGHBORS -> found.withNeighbors(downstream.neighbors(codes, null, false, config.neighbors()));
        case CLUSTER -> found.withClustering(downstream.clusterIfEnough(codes, rows));
        case EVALUATE, REPORT -> found;
      };
    }
    Downstream.CodesModel model = new Downstream.CodesModel(trained.network(), featurized.inputSpec(config.image()),
        config.model().trainingCorruption(), config.train().stopping().validationFraction(), config.train().seed(),
        trained.result().epochs());
    return downstream.evaluateAndReport(found, codes, featurized, model, tonight.request().input(),
        config.nightly().runs(NightlySettings.Step.EVALUATE), config.nightly().runs(NightlySettings.Step.REPORT), false);
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
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return Runs.kindName(request.kind()) + "-" + request.config().model().type().name().toLowerCase(Locale.ROOT) + "-"
          + request.runDate() + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ModelCard card(NightlyRequest request, RunResult result, Trained trained, String sha256,
      Featurized featurized, RunCounts counts) {
    LatentforgeConfig config = request.config();
    return new ModelCard(ModelCard.FORMAT_VERSION, result.modelId(), config.model().type().name().toLowerCase(Locale.ROOT),
        trained.loss().name().toLowerCase(Locale.ROOT), result.codeSize(), trained.code().index(),
        trained.code().binary(), trained.centred(), featurized.inputSpec(config.image()), request.input(),
        request.runDate().toString(), counts.asRows(), result.epochs(),
        new ModelCard.Training(trained.result().stopReason(), trained.result().resumedFrom()),
        new ModelCard.Metrics(result.meanReconError(), result.meanBaselineError()), ModelStore.MODEL_FILE, sha256,
        Instant.now().toString(), ConfigFactory.parseString(config.rendered()).root().unwrapped());
  }
}
