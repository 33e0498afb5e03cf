package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.config.ImageFeatures;
import io.latentforge.encode.Encoder;
import io.latentforge.encode.ImageCorpusEncoder;
import io.latentforge.features.image.ImageDecoder;
import io.latentforge.input.CorpusSource;
import io.latentforge.model.CodeLayer;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.schema.CorpusKind;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a corpus with an existing model: featurized as the model's training was (its saved
 * vocabulary or image spec), then published exactly as a nightly run publishes.
 */
public final class EncodeRun {

  private static final Logger LOG = LoggerFactory.getLogger(EncodeRun.class);
  /** The staged table of the image tasks' feature statistics. */
  private static final String STATS = "stats";

  private final SparkSession spark;

  public EncodeRun(SparkSession spark) {
    this.spark = spark;
  }

  public RunResult execute(EncodeRequest request) {
    ModelStore.Loaded model = Stage.run(spark, Runs.GROUP, "load model " + request.modelDir(),
        () -> new ModelStore(spark.sparkContext().hadoopConfiguration()).load(request.modelDir()));
    String modelKind = model.input().kind();
    if (!modelKind.equals(Runs.kindName(request.kind()))) {
      throw LatentforgeException.usage("The model in " + request.modelDir() + " encodes " + modelKind
          + " corpora, not " + Runs.kindName(request.kind()) + ".", "pass --kind " + modelKind + " or another model.");
    }
    CorpusSource.Layout layout = CorpusSource.layout(spark, request.input(), request.kind(), request.config().input());
    String runDate = request.runDate().toString();
    OutputLayout out = new OutputLayout(request.output());
    OutputPublisher publisher = new OutputPublisher(spark, out, runDate, request.kind(), request.input());
    int codeSize = model.card().codeSize();
    try (OutputLock lock = OutputLock.acquire(spark.sparkContext().hadoopConfiguration(), out.root(),
        "encode " + model.modelId())) {
      CodeLayer codeLayer = model.card().code();
      publisher.requireCodeShape(codeSize, codeLayer.binary());
      CorpusSource.Corpus corpus = Stage.run(spark, Runs.GROUP, "check the ids of " + request.input(),
          () -> CorpusSource.checkIds(layout));
      LOG.info("encode {} for {}: input {}, model {}", Runs.kindName(request.kind()), runDate, request.input(),
          model.modelId());
      Published published = request.kind() == CorpusKind.IMAGE
          ? images(corpus, request, model, publisher, codeLayer)
          : documents(corpus, request, model, publisher, codeLayer);
      publisher.metrics("published", published.counts(), model.modelId(), null,
          new ModelCard.Metrics(published.meanReconError(), published.baseline()));
      if (request.config().output().registersTable()) {
        publisher.registerTable(request.config().output().table());
      }
      RunCounts counts = published.counts();
      return new RunResult(model.modelId(), counts.read(), counts.accepted(), counts.rejectsByReason(), List.of(),
          out.codes(), out.rejects(), request.modelDir(), published.inputSize(), codeSize, published.meanReconError(),
          published.baseline(), AfterPublishing.NONE);
    }
  }

  /** What a run published, with the mean-input baseline of its accepted rows. */
  private record Published(RunCounts counts, int inputSize, double meanReconError, double baseline) {}

  /**
   * Images are decoded inside the encoding tasks, which write the code rows, rejects and feature
   * statistics themselves: one pass over the corpus, nothing cached, published from staging.
   */
  private Published images(CorpusSource.Corpus corpus, EncodeRequest request, ModelStore.Loaded model,
      OutputPublisher publisher, CodeLayer codeLayer) {
    ImageFeatures spec = Featurization.imageSpec(model);
    ImageCorpusEncoder.Featurizer featurizer = new ImageCorpusEncoder.Featurizer(
        new ImageDecoder(spec, request.config().input().maxImagePixels()), Featurization.standardization(model));
    StructType codeSchema = Encoder.schema(corpus.rows().schema(), codeLayer.binary());
    try (OutputPublisher.TaskStaging staged = publisher.stage(codeSchema, Map.of(STATS, ImageCorpusEncoder.STATS_SCHEMA))) {
      ImageCorpusEncoder.Tally tally = Stage.run(spark, Runs.GROUP, "decode, encode and stage codes and rejects",
          () -> ImageCorpusEncoder.write(spark, corpus.rows(), featurizer, model.network(), model.modelId(), codeLayer,
              spec.size(), request.config().encode().batchSize(), staged.output()));
      RunCounts counts = publisher.admit(staged, RunCounts.of(tally.accepted(), tally.rejectsByReason()),
          request.config().input().maxRejectFraction());
      Stage.run(spark, Runs.GROUP, "publish codes", () -> {
        publisher.codes(staged, counts.accepted(), manifest(request, model, codeLayer, counts));
        return null;
      });
      double baseline = Stage.run(spark, Runs.GROUP, "mean-input baseline",
          () -> ImageCorpusEncoder.meanInputBaseline(staged.read(STATS)));
      return new Published(counts, spec.size(), tally.meanReconError(), baseline);
    }
  }

  /** Documents are featurized by the model's vocabulary pipeline first, then encoded from the cached features. */
  private Published documents(CorpusSource.Corpus corpus, EncodeRequest request, ModelStore.Loaded model,
      OutputPublisher publisher, CodeLayer codeLayer) {
    Featurized featurized = Stage.run(spark, Runs.GROUP, "load the featurization of " + request.input(),
        () -> Featurization.likeModel(corpus, request.kind(), request.config(), model));
    Dataset<Row> codes = Encoder.encode(spark, featurized.split().accepted(), model.network(), model.modelId(),
        codeLayer, featurized.inputSize(), request.config().encode().batchSize());
    try {
      RunCounts counts = publisher.admit(featurized.split(), request.config().input().maxRejectFraction());
      double meanReconError = Stage.run(spark, Runs.GROUP, "encode and publish codes",
          () -> publisher.codes(codes, counts.accepted(), manifest(request, model, codeLayer, counts)));
      double baseline = Stage.run(spark, Runs.GROUP, "mean-input baseline",
          () -> Runs.meanInputBaseline(featurized.split().accepted(), counts.accepted()));
      return new Published(counts, featurized.inputSize(), meanReconError, baseline);
    } finally {
      featurized.split().release();
    }
  }

  private static PartitionManifest manifest(EncodeRequest request, ModelStore.Loaded model, CodeLayer codeLayer,
      RunCounts counts) {
    return PartitionManifest.codes(model.modelId(), model.card().modelSha256(), model.card().codeSize(),
        codeLayer.binary(), counts.rejected(), request.input());
  }
}
