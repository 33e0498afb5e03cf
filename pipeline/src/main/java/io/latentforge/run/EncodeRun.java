package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ImageFeatures;
import io.latentforge.encode.Encoder;
import io.latentforge.encode.ImageCorpusEncoder;
import io.latentforge.image.ImageDecoder;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.ModelStore;
import io.latentforge.io.OutputLayout;
import io.latentforge.io.OutputLock;
import io.latentforge.io.Quarantine;
import io.latentforge.model.CodeLayer;
import io.latentforge.schema.CorpusKind;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a corpus with an existing model: featurized as the model's training was (its saved
 * vocabulary or image spec), then published exactly as a nightly run publishes.
 */
public final class EncodeRun {

  private static final Logger LOG = LoggerFactory.getLogger(EncodeRun.class);

  private final SparkSession spark;

  public EncodeRun(SparkSession spark) {
    this.spark = spark;
  }

  public RunResult execute(EncodeRequest request) {
    ModelStore.Loaded model = Stage.run(spark, Runs.GROUP, "load model " + request.modelDir(),
        () -> new ModelStore(spark.sparkContext().hadoopConfiguration()).load(request.modelDir()));
    String modelKind = String.valueOf(model.input().get("kind"));
    if (!modelKind.equals(Runs.kindName(request.kind()))) {
      throw LatentforgeException.usage("The model in " + request.modelDir() + " encodes " + modelKind
          + " corpora, not " + Runs.kindName(request.kind()) + ".", "pass --kind " + modelKind + " or another model.");
    }
    CorpusSource.Layout layout = CorpusSource.layout(spark, request.input(), request.kind(), request.config().input());
    String runDate = request.runDate().toString();
    OutputLayout out = new OutputLayout(request.output());
    OutputPublisher publisher = new OutputPublisher(spark, out, runDate, request.kind(), request.input());
    int codeSize = ((Number) model.card().get("code_size")).intValue();
    try (OutputLock lock = OutputLock.acquire(spark.sparkContext().hadoopConfiguration(), out.root(),
        "encode " + model.modelId())) {
      CodeLayer codeLayer = CodeLayer.fromCard(model.card());
      publisher.requireCodeShape(codeSize, codeLayer.binary());
      CorpusSource.Corpus corpus = Stage.run(spark, Runs.GROUP, "check the ids of " + request.input(),
          () -> CorpusSource.checkIds(layout));
      LOG.info("encode {} for {}: input {}, model {}", Runs.kindName(request.kind()), runDate, request.input(),
          model.modelId());
      Encoding encoding = Stage.run(spark, Runs.GROUP, "load the featurization of " + request.input(),
          () -> encoding(corpus, request, model, codeLayer));
      try {
        return publish(request, model, encoding, publisher, out, codeSize, codeLayer);
      } finally {
        encoding.split().release();
      }
    }
  }

  /** The corpus on its way to the code table: the split's accepted rows are code rows. */
  private record Encoding(Quarantine.Split split, int inputSize, LongToDoubleFunction meanInputBaseline) {}

  /**
   * Images are decoded inside the encoding tasks, so their pixels are never cached; documents are
   * featurized by the model's vocabulary pipeline first.
   */
  private Encoding encoding(CorpusSource.Corpus corpus, EncodeRequest request, ModelStore.Loaded model,
      CodeLayer codeLayer) {
    int batchSize = request.config().encode().batchSize();
    if (request.kind() == CorpusKind.IMAGE) {
      ImageFeatures spec = Featurization.imageSpec(model);
      ImageCorpusEncoder.Featurizer featurizer = new ImageCorpusEncoder.Featurizer(
          new ImageDecoder(spec, request.config().input().maxImagePixels()), Featurization.standardization(model));
      Quarantine.Split split = ImageCorpusEncoder.encode(spark, corpus.rows(), featurizer, model.network(),
          model.modelId(), codeLayer, spec.size(), batchSize);
      return new Encoding(split, spec.size(), rows -> ImageCorpusEncoder.meanInputBaseline(split));
    }
    Featurized featurized = Featurization.likeModel(corpus, request.kind(), request.config(), model);
    Dataset<Row> codes = Encoder.encode(spark, featurized.split().accepted(), model.network(), model.modelId(),
        codeLayer, featurized.inputSize(), batchSize);
    return new Encoding(featurized.split().withAccepted(codes), featurized.inputSize(),
        rows -> Runs.meanInputBaseline(featurized.split().accepted(), rows));
  }

  private RunResult publish(EncodeRequest request, ModelStore.Loaded model, Encoding encoding,
      OutputPublisher publisher, OutputLayout out, int codeSize, CodeLayer codeLayer) {
    RunCounts counts = publisher.admit(encoding.split(), request.config().input().maxRejectFraction());
    double meanReconError = Stage.run(spark, Runs.GROUP, "encode and publish codes", () -> publisher.codes(
        encoding.split().accepted(), counts.accepted(), Runs.manifest(model.modelId(),
            (String) model.card().get("model_sha256"), codeSize, codeLayer.binary(), counts, request.input())));
    double baseline = Stage.run(spark, Runs.GROUP, "mean-input baseline",
        () -> encoding.meanInputBaseline().applyAsDouble(counts.accepted()));
    publisher.metrics("published", counts, Map.of("model_id", model.modelId(),
        "metrics", Map.of("mean_recon_error", meanReconError, "mean_input_baseline_error", baseline)));
    if (request.config().output().registersTable()) {
      publisher.registerTable(request.config().output().table());
    }
    return new RunResult(model.modelId(), counts.read(), counts.accepted(), counts.rejectsByReason(), List.of(),
        out.codes(), out.rejects(), request.modelDir(), encoding.inputSize(), codeSize, meanReconError, baseline, Map.of());
  }
}
