package io.latentforge.run;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.latentforge.LatentforgeException;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.encode.Encoder;
import io.latentforge.image.ImageFeaturizer;
import io.latentforge.image.Standardization;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.HadoopFiles;
import io.latentforge.io.ModelStore;
import io.latentforge.io.OutputLayout;
import io.latentforge.io.Quarantine;
import io.latentforge.io.TableSink;
import io.latentforge.model.Autoencoder;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import io.latentforge.text.TextFeaturizer;
import io.latentforge.train.SparkTrainer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly pipeline: read the corpus, featurize (bad rows to rejects), train the autoencoder
 * with parameter averaging, save the model, encode every accepted row and publish the code table.
 */
public final class NightlyRun {

  private static final Logger LOG = LoggerFactory.getLogger(NightlyRun.class);
  private static final String GROUP = "latentforge.nightly";

  private final SparkSession spark;

  public NightlyRun(SparkSession spark) {
    this.spark = spark;
  }

  /** The features of a corpus and what is needed to reproduce them. */
  private record Featurized(Quarantine.Split split, int inputSize, PipelineModel vocabulary, int vocabularySize,
      Standardization standardization) {}

  public NightlyResult execute(NightlyRequest request) {
    LatentforgeConfig config = request.config();
    CorpusSource.Corpus corpus = CorpusSource.read(spark, request.input(), request.kind(), config.input());
    String runDate = request.runDate().toString();
    String modelId = modelId(request);
    OutputLayout out = new OutputLayout(request.output());
    LOG.info("nightly {} run for {}: input {}, model {}", kindName(request.kind()), runDate, request.input(), modelId);

    Featurized featurized = Stage.run(spark, GROUP, "featurize " + request.input(), () -> featurize(corpus, request));
    try {
      Counts counts = Stage.run(spark, GROUP, "count rows and rejects", () -> countRows(featurized.split()));
      Stage.run(spark, GROUP, "write " + out.rejects(), () -> writeRejects(featurized.split(), counts, out, runDate));
      checkRejects(counts, request, out);
      requireTrainable(counts, featurized, request);

      ModelSpec.Loss loss = Autoencoder.resolveLoss(config.model().loss(), request.kind(), config.text().weighting(),
          config.image().standardize());
      SparkTrainer.Trained trained = SparkTrainer.fit(spark, featurized.split().accepted(), featurized.inputSize(),
          Autoencoder.configuration(config.model(), loss, featurized.inputSize(), config.train()), config.train(),
          out.scratch(modelId));

      ModelStore store = new ModelStore(spark.sparkContext().hadoopConfiguration());
      String modelDir = out.model(modelId);
      String sha256 = store.saveNetwork(modelDir, trained.network());
      if (featurized.vocabulary() != null) {
        store.saveVocabulary(modelDir, featurized.vocabulary());
      }
      int codeLayer = Autoencoder.codeLayerIndex(config.model());
      double meanReconError = Stage.run(spark, GROUP, "encode and publish " + out.codes(), () -> {
        TableSink.writePartition(Encoder.encode(spark, featurized.split().accepted(), trained.network(), modelId,
            codeLayer, featurized.inputSize()), out.codes(), runDate);
        return verifyCodes(out.codes(), runDate, counts.accepted());
      });
      double baseline = Stage.run(spark, GROUP, "mean-input baseline",
          () -> meanInputBaseline(featurized.split().accepted(), counts.accepted()));

      NightlyResult result = new NightlyResult(modelId, counts.read(), counts.accepted(), counts.rejectsByReason(),
          trained.epochs(), out.codes(), out.rejects(), modelDir, featurized.inputSize(), config.model().codeSize(),
          meanReconError, baseline);
      Map<String, Object> card = card(request, result, loss, codeLayer, sha256, featurized);
      store.saveCard(modelDir, card);
      writeMetrics(out, request, "published", counts, card);
      return result;
    } finally {
      featurized.split().release();
    }
  }

  /** Replaces tonight's rejects partition (removing it when there are none), before any training. */
  private Void writeRejects(Quarantine.Split split, Counts counts, OutputLayout out, String runDate) {
    if (counts.rejected() == 0) {
      TableSink.clearPartition(spark, out.rejects(), runDate);
    } else {
      TableSink.writePartition(split.rejects(), out.rejects(), runDate);
    }
    return null;
  }

  /** Above input.max-reject-fraction: metrics written, nothing published, exit code 4. */
  private void checkRejects(Counts counts, NightlyRequest request, OutputLayout out) {
    double allowed = request.config().input().maxRejectFraction();
    double fraction = counts.read() == 0 ? 0 : (double) counts.rejected() / counts.read();
    if (fraction > allowed) {
      writeMetrics(out, request, "too_many_rejects", counts, Map.of());
      throw LatentforgeException.tooManyRejects(String.format(Locale.ROOT,
              "%d of %d rows (%.2f%%) were rejected, above input.max-reject-fraction = %s; by reason: %s. "
                  + "The rejects are in %s/run_date=%s; no codes were published.",
              counts.rejected(), counts.read(), 100 * fraction, allowed, counts.rejectsByReason(), out.rejects(),
              request.runDate()),
          "fix the input rows named in the rejects table, or raise input.max-reject-fraction if they are expected.");
    }
  }

  private void writeMetrics(OutputLayout out, NightlyRequest request, String status, Counts counts,
      Map<String, Object> card) {
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("status", status);
    metrics.put("run_date", request.runDate().toString());
    metrics.put("kind", kindName(request.kind()));
    metrics.put("input_path", request.input());
    metrics.put("rows", rows(counts));
    for (String key : List.of("model_id", "epochs", "metrics")) {
      if (card.containsKey(key)) {
        metrics.put(key, card.get(key));
      }
    }
    metrics.put("created", Instant.now().toString());
    HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new Path(out.metrics(request.runDate().toString())),
        metrics);
  }

  private static Map<String, Object> rows(Counts counts) {
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("read", counts.read());
    rows.put("featurized", counts.accepted());
    rows.put("rejected", counts.rejected());
    rows.put("rejects_by_reason", counts.rejectsByReason());
    return rows;
  }

  private Featurized featurize(CorpusSource.Corpus corpus, NightlyRequest request) {
    LatentforgeConfig config = request.config();
    if (request.kind() == CorpusKind.IMAGE) {
      Quarantine.Split split = ImageFeaturizer.featurize(corpus.rows(), config.image(), config.input().maxImagePixels());
      if (!config.image().standardize()) {
        return new Featurized(split, config.image().size(), null, 0, null);
      }
      Standardization standardization = Standardization.fit(split.accepted(), config.image().channels());
      return new Featurized(split.withAccepted(standardization.apply(split.accepted())), config.image().size(), null, 0,
          standardization);
    }
    TextFeaturizer.Result text = TextFeaturizer.featurize(corpus.rows(), config.text());
    return new Featurized(text.split(), text.vocabularySize(), text.vocabulary(), text.vocabularySize(), null);
  }

  /** Rows read = rows accepted + rows rejected, all counted from the one cached pass. */
  private record Counts(long read, long accepted, Map<String, Long> rejectsByReason) {
    long rejected() {
      return read - accepted;
    }
  }

  private static Counts countRows(Quarantine.Split split) {
    long read = split.cached().count();
    long accepted = split.accepted().count();
    Map<String, Long> byReason = new TreeMap<>();
    for (Row r : split.rejects().groupBy(col(Columns.REASON)).count().collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    return new Counts(read, accepted, byReason);
  }

  /** Reads the published partition back: its row count must be the rows featurized. */
  private double verifyCodes(String codesPath, String runDate, long expectedRows) {
    Row r = spark.read().parquet(codesPath).where(col(Columns.RUN_DATE).cast("string").equalTo(runDate))
        .agg(count(lit(1)), avg(col(Columns.RECON_ERROR))).first();
    if (r.getLong(0) != expectedRows) {
      throw LatentforgeException.internal("The code table partition run_date=" + runDate + " has " + r.getLong(0)
          + " rows but " + expectedRows + " rows were featurized.", null);
    }
    return r.getDouble(1);
  }

  /** Sum over features of the population variance: the mean squared error of predicting the mean input. */
  private static double meanInputBaseline(Dataset<Row> features, long rows) {
    Row r = features.select(Summarizer.variance(col(Columns.FEATURES))).first();
    double sampleVarianceSum = 0;
    for (double v : ((Vector) r.get(0)).toArray()) {
      sampleVarianceSum += v;
    }
    return rows > 1 ? sampleVarianceSum * (rows - 1) / rows : 0;
  }

  private static void requireTrainable(Counts counts, Featurized featurized, NightlyRequest request) {
    if (counts.read() == 0) {
      throw LatentforgeException.badInput("The corpus at " + request.input() + " has no rows.",
          "check --input; it must point at a non-empty corpus.");
    }
    if (counts.accepted() == 0) {
      throw LatentforgeException.badInput("None of the " + counts.read() + " rows of " + request.input()
              + " could be featurized; rejects by reason: " + counts.rejectsByReason() + ".",
          "check the input against the data contract in the README.");
    }
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
      return kindName(request.kind()) + "-" + request.config().model().type().name().toLowerCase(Locale.ROOT) + "-"
          + request.runDate() + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String kindName(CorpusKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static Map<String, Object> card(NightlyRequest request, NightlyResult result, ModelSpec.Loss loss,
      int codeLayer, String sha256, Featurized featurized) {
    LatentforgeConfig config = request.config();
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("kind", kindName(request.kind()));
    input.put("features", featurized.inputSize());
    if (request.kind() == CorpusKind.IMAGE) {
      input.put("height", config.image().height());
      input.put("width", config.image().width());
      input.put("channels", config.image().channels());
      input.put("layout", "CHW, scaled to [0,1]");
      if (featurized.standardization() != null) {
        input.put("standardization", Map.of("mean", featurized.standardization().mean(),
            "std", featurized.standardization().std()));
      }
    } else {
      input.put("vocabulary", ModelStore.VOCABULARY_DIR);
      input.put("vocabulary_size", featurized.vocabularySize());
      input.put("weighting", config.text().weighting().name().toLowerCase(Locale.ROOT));
    }
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("model_id", result.modelId());
    card.put("type", config.model().type().name().toLowerCase(Locale.ROOT));
    card.put("loss", loss.name().toLowerCase(Locale.ROOT));
    card.put("code_size", result.codeSize());
    card.put("code_layer", codeLayer);
    card.put("input", input);
    card.put("input_path", request.input());
    card.put("run_date", request.runDate().toString());
    card.put("rows", Map.of("read", result.rowsRead(), "featurized", result.rowsFeaturized(),
        "rejected", result.rowsRejected(), "rejects_by_reason", result.rejectsByReason()));
    card.put("epochs", result.epochs().stream().map(e -> Map.of(
        "epoch", e.epoch(), "training_loss", e.trainingLoss(), "seconds", e.seconds())).toList());
    card.put("metrics", Map.of("mean_recon_error", result.meanReconError(),
        "mean_input_baseline_error", result.meanBaselineError()));
    card.put("model_file", ModelStore.MODEL_FILE);
    card.put("model_sha256", sha256);
    card.put("created", Instant.now().toString());
    card.put("config", com.typesafe.config.ConfigFactory.parseString(config.rendered()).root().unwrapped());
    return card;
  }
}
