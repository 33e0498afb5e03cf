package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.encode.Encoder;
import io.latentforge.model.CodeLayer;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.ModelStore;
import io.latentforge.io.OutputLayout;
import io.latentforge.io.OutputLock;
import java.util.List;
import java.util.Map;
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
    ModelStore.Loaded model = new ModelStore(spark.sparkContext().hadoopConfiguration()).load(request.modelDir());
    String modelKind = String.valueOf(model.input().get("kind"));
    if (!modelKind.equals(Runs.kindName(request.kind()))) {
      throw LatentforgeException.usage("The model in " + request.modelDir() + " encodes " + modelKind
          + " corpora, not " + Runs.kindName(request.kind()) + ".", "pass --kind " + modelKind + " or another model.");
    }
    CorpusSource.Corpus corpus = CorpusSource.read(spark, request.input(), request.kind(), request.config().input());
    String runDate = request.runDate().toString();
    OutputLayout out = new OutputLayout(request.output());
    OutputPublisher publisher = new OutputPublisher(spark, out, runDate, request.kind(), request.input());
    int codeSize = ((Number) model.card().get("code_size")).intValue();
    try (OutputLock lock = OutputLock.acquire(spark.sparkContext().hadoopConfiguration(), out.root(),
        "encode " + model.modelId())) {
      publisher.requireCodeShape(codeSize, CodeLayer.fromCard(model.card()).binary());
      LOG.info("encode {} for {}: input {}, model {}", Runs.kindName(request.kind()), runDate, request.input(),
          model.modelId());
      Featurized featurized = Stage.run(spark, Runs.GROUP, "featurize " + request.input(),
          () -> Featurization.likeModel(corpus, request.kind(), request.config(), model));
      try {
        return publish(request, model, featurized, publisher, out, codeSize);
      } finally {
        featurized.split().release();
      }
    }
  }

  private RunResult publish(EncodeRequest request, ModelStore.Loaded model, Featurized featurized,
      OutputPublisher publisher, OutputLayout out, int codeSize) {
    RunCounts counts = publisher.admit(featurized.split(), request.config().input().maxRejectFraction());
    CodeLayer codeLayer = CodeLayer.fromCard(model.card());
    double meanReconError = Stage.run(spark, Runs.GROUP, "encode and publish codes", () -> publisher.codes(
        Encoder.encode(spark, featurized.split().accepted(), model.network(), model.modelId(), codeLayer,
            featurized.inputSize(), request.config().encode().batchSize()),
        counts.accepted(), Runs.manifest(model.modelId(), (String) model.card().get("model_sha256"), codeSize, codeLayer.binary(), counts,
            request.input())));
    double baseline = Stage.run(spark, Runs.GROUP, "mean-input baseline",
        () -> Runs.meanInputBaseline(featurized.split().accepted(), counts.accepted()));
    publisher.metrics("published", counts, Map.of("model_id", model.modelId(),
        "metrics", Map.of("mean_recon_error", meanReconError, "mean_input_baseline_error", baseline)));
    if (request.config().output().registersTable()) {
      publisher.registerTable(request.config().output().table());
    }
    return new RunResult(model.modelId(), counts.read(), counts.accepted(), counts.rejectsByReason(), List.of(),
        out.codes(), out.rejects(), request.modelDir(), featurized.inputSize(), codeSize, meanReconError, baseline, Map.of());
  }
}
