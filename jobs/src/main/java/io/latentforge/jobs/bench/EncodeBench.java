package io.latentforge.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.encode.Encoder;
import io.latentforge.encode.Features;
import io.latentforge.features.image.ImageFeaturizer;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.model.CodeLayer;
import io.latentforge.model.ModelStore;
import io.latentforge.publish.CorpusWriter;
import io.latentforge.run.EncodeRequest;
import io.latentforge.run.EncodeRun;
import io.latentforge.run.NightlyRequest;
import io.latentforge.run.NightlyRun;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Encoding throughput of the configured image model three ways on the same rows: the bare forward
 * pass in one JVM on minibatches already in native memory; Spark encoding from a featurized
 * Parquet table (what a nightly run does after training); and {@code latentforge encode} itself,
 * from the image corpus to a published code table partition (read, id checks, decode, encode,
 * rejects, staged write, validation, manifest, metrics), whose time is split into a fixed cost
 * per run and a rate per row by a second run on a tenth of the corpus. The model is a real one
 * from the model store, trained for one epoch on a slice of the corpus (its weights do not change
 * the cost). Medians of repeated runs.
 */
public final class EncodeBench {

  /** Rows of the corpus the model is trained on: enough for a valid run, few enough to be quick. */
  static final int TRAINING_ROWS = 2000;

  private final SparkSession spark;
  private final LatentforgeConfig config;

  public EncodeBench(SparkSession spark, LatentforgeConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Median rates (rows/s) and median within-round ratios to the bare rate. An encode run's time is
   * also split, from a run on a tenth of the corpus in the same round, into a fixed cost per run
   * (seconds: model load, planning, id checks, publishing) and the rate of its rows above that.
   */
  public record Rates(long rows, double bare, double fromFeatures, double endToEnd, double fromFeaturesRatio,
      double endToEndRatio, double fixedSeconds, double perRow, double perRowRatio) {}

  public Rates run(String imageCorpus, String scratch, int repeats) {
    LocalDate date = LocalDate.of(2024, 1, 1);
    String output = scratch + "/output";
    String modelDir = trainModel(imageCorpus, scratch, output, date);
    ModelStore.Loaded model = new ModelStore(spark.sparkContext().hadoopConfiguration()).load(modelDir);
    MultiLayerNetwork network = model.network();
    CodeLayer codeLayer = model.card().code();
    int inputSize = config.image().size();
    int batch = config.encode().batchSize();

    Quarantine.Split split = ImageFeaturizer.featurize(
        CorpusSource.read(spark, imageCorpus, CorpusKind.IMAGE, config.input()).rows(), config.image(),
        config.input().maxImagePixels());
    String featuresTable = scratch + "/features";
    split.accepted().write().mode("overwrite").parquet(featuresTable);
    split.release();
    Dataset<Row> features = spark.read().parquet(featuresTable);
    long rows = features.count();

    List<INDArray> batches = nativeBatches(features, inputSize, batch);
    LongSupplier barePass = () -> {
      for (INDArray x : batches) {
        network.feedForward(x, false);
      }
      return rows;
    };
    Dataset<Row> cached = features.cache();
    cached.count();
    LongSupplier fromFeaturesPass = () -> {
      Encoder.encode(spark, cached, network, model.modelId(), codeLayer, inputSize, batch)
          .write().mode("overwrite").option("parquet.enable.dictionary", "false").parquet(scratch + "/codes");
      return rows;
    };
    EncodeRequest encode = new EncodeRequest(modelDir, CorpusKind.IMAGE, imageCorpus, output, date, config, false);
    LongSupplier endToEndPass = () -> new EncodeRun(spark).execute(encode).rowsFeaturized();
    String tenth = scratch + "/tenth-corpus";
    // In as many files as the corpus: fewer would add a shuffle to spread them over the cores.
    Dataset<Row> corpus = spark.read().parquet(imageCorpus);
    CorpusWriter.write(spark, corpus.limit((int) Math.max(1, rows / 10))
        .repartition(corpus.rdd().getNumPartitions()), tenth, true);
    EncodeRequest encodeTenth = new EncodeRequest(modelDir, CorpusKind.IMAGE, tenth, output, date.plusDays(1), config, false);
    LongSupplier tenthPass = () -> new EncodeRun(spark).execute(encodeTenth).rowsFeaturized();
    // Rounds interleave the passes, so drift of a noisy machine hits all of them alike; the ratios
    // are taken within each round, then the median.
    List<LongSupplier> passes = List.of(barePass, fromFeaturesPass, endToEndPass, tenthPass);
    passes.forEach(LongSupplier::getAsLong);
    List<double[]> rounds = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      double[] rates = new double[passes.size()];
      double[] seconds = new double[passes.size()];
      long[] counts = new long[passes.size()];
      for (int k = 0; k < passes.size(); k++) {
        long start = System.nanoTime();
        counts[k] = passes.get(k).getAsLong();
        seconds[k] = (System.nanoTime() - start) / 1e9;
        rates[k] = counts[k] / seconds[k];
      }
      // Two runs, two sizes: time = fixed + rows / perRow (NaN when noise hides the difference).
      double perRow = seconds[2] > seconds[3] ? (counts[2] - counts[3]) / (seconds[2] - seconds[3]) : Double.NaN;
      rounds.add(new double[] {rates[0], rates[1], rates[2], seconds[3] - counts[3] / perRow, perRow});
    }
    cached.unpersist();
    return new Rates(rows, median(rounds, r -> r[0]), median(rounds, r -> r[1]), median(rounds, r -> r[2]),
        median(rounds, r -> r[1] / r[0]), median(rounds, r -> r[2] / r[0]), median(rounds, r -> r[3]),
        median(rounds, r -> r[4]), median(rounds, r -> r[4] / r[0]));
  }

  /**
   * An incremental encode against a full one of the same corpus, with {@code changed} of its rows
   * replaced (median seconds, and the median of the within-round ratio).
   */
  public record Incremental(double changed, long rows, double fullSeconds, double incrementalSeconds, double ratio) {}

  /**
   * For each fraction in {@code changes}: the corpus with that share of its rows replaced by new
   * ones, encoded in full and with {@code --incremental} against a full encode of the corpus as it
   * was, with the same model.
   */
  public List<Incremental> incremental(String imageCorpus, String scratch, int repeats, double... changes) {
    LocalDate date = LocalDate.of(2024, 1, 1);
    String output = scratch + "/incremental";
    String modelDir = trainModel(imageCorpus, scratch, output, date);
    // With --incremental, so the partition compared with carries its content keys.
    new EncodeRun(spark).execute(new EncodeRequest(modelDir, CorpusKind.IMAGE, imageCorpus, output, date.plusDays(1),
        config, true));
    Dataset<Row> corpus = spark.read().parquet(imageCorpus);
    List<Incremental> results = new ArrayList<>();
    for (double change : changes) {
      String changed = scratch + "/changed-" + Math.round(change * 1000);
      Column replaced = pmod(xxhash64(col(Columns.ID)), lit(1000)).lt(Math.round(change * 1000));
      CorpusWriter.write(spark, corpus.withColumn(Columns.ID, when(replaced, concat(lit("new-"), col(Columns.ID)))
          .otherwise(col(Columns.ID))), changed, true);
      EncodeRequest full = new EncodeRequest(modelDir, CorpusKind.IMAGE, changed, output, date.plusDays(2), config,
          false);
      EncodeRequest incremental = new EncodeRequest(modelDir, CorpusKind.IMAGE, changed, output, date.plusDays(2),
          config, true);
      long rows = new EncodeRun(spark).execute(incremental).rowsFeaturized();
      List<double[]> rounds = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        double fullSeconds = seconds(() -> new EncodeRun(spark).execute(full));
        double incrementalSeconds = seconds(() -> new EncodeRun(spark).execute(incremental));
        rounds.add(new double[] {fullSeconds, incrementalSeconds});
      }
      results.add(new Incremental(change, rows, median(rounds, r -> r[0]), median(rounds, r -> r[1]),
          median(rounds, r -> r[1] / r[0])));
    }
    return results;
  }

  private static double seconds(Runnable pass) {
    long start = System.nanoTime();
    pass.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * The bare pass's input: minibatches already in native memory, so only the forward pass is
   * timed. Streamed from the table, so the driver's heap does not hold the rows as vectors while
   * the other passes run.
   */
  private static List<INDArray> nativeBatches(Dataset<Row> features, int inputSize, int batch) {
    List<INDArray> batches = new ArrayList<>();
    float[] flat = new float[batch * inputSize];
    int rows = 0;
    Iterator<Row> it = features.select(Columns.FEATURES).toLocalIterator();
    while (it.hasNext()) {
      double[] x = ((Vector) it.next().get(0)).toArray();
      for (int i = 0; i < inputSize; i++) {
        flat[rows * inputSize + i] = (float) x[i];
      }
      if (++rows == batch) {
        batches.add(Features.matrix(flat, rows, inputSize));
        rows = 0;
      }
    }
    if (rows > 0) {
      batches.add(Features.matrix(flat, rows, inputSize));
    }
    return batches;
  }

  /** A model directory as a nightly run publishes it, trained for one epoch on the corpus's first rows. */
  private String trainModel(String imageCorpus, String scratch, String output, LocalDate date) {
    String slice = scratch + "/training-corpus";
    CorpusWriter.write(spark, spark.read().parquet(imageCorpus).limit(TRAINING_ROWS), slice, true);
    LatentforgeConfig oneEpoch = config.with("train.epochs = 1\nnightly.steps = []");
    return new NightlyRun(spark).execute(new NightlyRequest(CorpusKind.IMAGE, slice, output, date, oneEpoch)).modelPath();
  }

  private static double median(List<double[]> rounds, java.util.function.ToDoubleFunction<double[]> value) {
    return Median.of(rounds.stream().mapToDouble(value).toArray());
  }
}
