package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.config.ImageFeatures;
import io.latentforge.encode.CorpusEncoder;
import io.latentforge.encode.EncodedCorpus;
import io.latentforge.encode.FeatureEncoder;
import io.latentforge.encode.ImageCorpusEncoder;
import io.latentforge.encode.ModelToEncode;
import io.latentforge.encode.RowCounts;
import io.latentforge.features.image.ImageDecoder;
import io.latentforge.input.CorpusSource;
import io.latentforge.model.CodeLayer;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.publish.DateCommit;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.schema.CorpusKind;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
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
    ModelStore.Loaded model = loadModel(request);
    CorpusSource.Layout layout = CorpusSource.layout(spark, request.input(), request.kind(), request.config().input());
    OutputLayout out = new OutputLayout(request.output());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (OutputLock lock = Runs.lock(hadoop, out, "encode " + model.modelId(), request.config().publish().retention())) {
      DateCommit commit = new DateCommit(hadoop, out, request.runDate().toString(), lock.runId(), lock::requireHeld);
      OutputPublisher publisher = new OutputPublisher(spark, commit, request.kind(), request.input());
      Path work = commit.workDir("encode");
      try {
        return Runs.publishing(commit, () -> encode(request, model, layout, out, publisher, work.toString()));
      } finally {
        commit.deleteWorkDir(work);
      }
    }
  }

  /** @param work where the encoding tasks write their tables (the image path) */
  private RunResult encode(EncodeRequest request, ModelStore.Loaded model, CorpusSource.Layout layout,
      OutputLayout out, OutputPublisher publisher, String work) {
    CodeLayer code = model.card().code();
    publisher.requireCodeShape(model.card().codeSize(), code.binary());
    CorpusSource.Corpus corpus = Stage.run(spark, Runs.GROUP, "check the ids of " + request.input(),
        () -> CorpusSource.checkIds(layout));
    LOG.info("encode {} for {}: input {}, model {}", Runs.kindName(request.kind()), request.runDate(), request.input(),
        model.modelId());
    // Tonight's content keys, read once for the comparison and the partition's own keys.
    Dataset<Row> keys = !request.incremental() ? null
        : IncrementalEncode.keys(corpus.rows()).persist(StorageLevel.MEMORY_AND_DISK());
    Optional<IncrementalEncode.Plan> plan = keys == null ? Optional.empty()
        : Stage.run(spark, Runs.GROUP, "compare " + request.input() + " with the previous code partition",
            () -> IncrementalEncode.plan(spark, out, request.runDate().toString(), model.modelId(), corpus.rows(),
                keys));
    CorpusSource.Corpus toEncode = plan.map(p -> new CorpusSource.Corpus(p.toEncode(), corpus.hasLabel(),
        corpus.path())).orElse(corpus);
    Encoding encoding = Stage.run(spark, Runs.GROUP, "load the featurization of " + request.input(),
        () -> encoder(toEncode, request, model));
    try {
      EncodedCorpus fresh = Stage.run(spark, Runs.GROUP, "featurize and encode " + request.input(),
          () -> encoding.encoder().encode(new ModelToEncode(model.network(), model.modelId(), code,
              request.config().encode().batchSize()), work));
      EncodedCorpus encoded = plan.map(p -> IncrementalEncode.withCopied(spark, fresh, p)).orElse(fresh);
      RowCounts counts = publisher.admit(encoded.counts(), encoded.rejects(), request.config().input().maxRejectFraction());
      PartitionManifest manifest = PartitionManifest.codes(model.modelId(), model.card().modelSha256(),
          model.card().codeSize(), code.binary(), counts.rejected(), request.input());
      double meanReconError = Stage.run(spark, Runs.GROUP, "stage codes", () -> publisher.codes(encoded,
          plan.map(p -> manifest.withStep(IncrementalEncode.figures(p, encoded))).orElse(manifest)));
      if (keys != null) {
        Stage.run(spark, Runs.GROUP, "stage content keys", () -> {
          IncrementalEncode.writeKeys(keys, publisher.stagedCodes());
          return null;
        });
      }
      double baseline = Stage.run(spark, Runs.GROUP, "mean-input baseline",
          () -> encoded.meanInputBaseline().getAsDouble());
      publisher.metrics("published", counts, model.modelId(), null, new ModelCard.Metrics(meanReconError, baseline));
      publisher.commit();
      if (request.config().output().registersTable()) {
        publisher.registerTable(request.config().output().table());
      }
      return new RunResult(model.modelId(), counts.read(), counts.accepted(), counts.rejectsByReason(), List.of(),
          out.codes(), out.rejects(), request.modelDir(), encoding.inputSize(), model.card().codeSize(),
          meanReconError, baseline, AfterPublishing.NONE);
    } finally {
      encoding.release().run();
      plan.ifPresent(IncrementalEncode.Plan::release);
      if (keys != null) {
        keys.unpersist();
      }
    }
  }

  private ModelStore.Loaded loadModel(EncodeRequest request) {
    ModelStore.Loaded model = Stage.run(spark, Runs.GROUP, "load model " + request.modelDir(),
        () -> new ModelStore(spark.sparkContext().hadoopConfiguration()).load(request.modelDir(),
            request.config().modelLoading().allowLegacyFormat()));
    String modelKind = model.input().kind();
    if (!modelKind.equals(Runs.kindName(request.kind()))) {
      throw LatentforgeException.usage("The model in " + request.modelDir() + " encodes " + modelKind
          + " corpora, not " + Runs.kindName(request.kind()) + ".", "pass --kind " + modelKind + " or another model.");
    }
    return model;
  }

  /** An encoder of the corpus, its features' size, and what frees what it caches. */
  private record Encoding(CorpusEncoder encoder, int inputSize, Runnable release) {}

  /**
   * Images are decoded inside the encoding tasks, which write the code rows, rejects and feature
   * statistics themselves: one pass over the corpus, nothing cached. Documents are featurized by
   * the model's vocabulary pipeline first, then encoded from the cached features.
   */
  private Encoding encoder(CorpusSource.Corpus corpus, EncodeRequest request, ModelStore.Loaded model) {
    if (request.kind() == CorpusKind.IMAGE) {
      ImageFeatures spec = Featurization.imageSpec(model);
      return new Encoding(new ImageCorpusEncoder(spark, corpus.rows(), new ImageCorpusEncoder.Featurizer(
          new ImageDecoder(spec, request.config().input().maxImagePixels()), Featurization.standardization(model))),
          spec.size(), () -> {});
    }
    Featurized featurized = Featurization.likeModel(corpus, request.kind(), request.config(), model);
    return new Encoding(new FeatureEncoder(spark, featurized.split(), featurized.inputSize()), featurized.inputSize(),
        featurized.split()::release);
  }
}
