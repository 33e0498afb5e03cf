package io.latentforge.bench;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.encode.Encoder;
import io.latentforge.image.ImageFeaturizer;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.Quarantine;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.CodeLayer;
import io.latentforge.model.ConvPlan;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import io.latentforge.train.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Encoding throughput of the configured image model (untrained: the forward pass costs the same)
 * three ways on the same rows: the bare forward pass in one JVM on minibatches already in native
 * memory;
 * Spark encoding from a featurized Parquet table to a code table; and the whole path from the
 * image corpus (read, decode, encode, write). Medians of repeated runs.
 */
public final class EncodeBench {

  private final SparkSession spark;
  private final LatentforgeConfig config;

  public EncodeBench(SparkSession spark, LatentforgeConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** Median rates (rows/s) and median within-round ratios to the bare rate. */
  public record Rates(long rows, double bare, double fromFeatures, double endToEnd, double fromFeaturesRatio,
      double endToEndRatio) {}

  public Rates run(String imageCorpus, String scratch, int repeats) {
    int inputSize = config.image().size();
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.XENT, inputSize,
        new ConvPlan.Shape(config.image().channels(), config.image().height(), config.image().width()), config.train());
    MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration());
    network.init();
    CodeLayer codeLayer = architecture.code();
    int batch = config.encode().batchSize();

    Quarantine.Split split = ImageFeaturizer.featurize(
        CorpusSource.read(spark, imageCorpus, CorpusKind.IMAGE, config.input()).rows(), config.image(),
        config.input().maxImagePixels());
    String featuresTable = scratch + "/features";
    split.accepted().write().mode("overwrite").parquet(featuresTable);
    split.release();
    Dataset<Row> features = spark.read().parquet(featuresTable);
    long rows = features.count();

    // The bare rate: minibatches already in native memory, only the forward pass timed.
    List<Vector> vectors = features.select(Columns.FEATURES).collectAsList().stream().map(r -> (Vector) r.get(0)).toList();
    List<INDArray> batches = new ArrayList<>();
    for (int from = 0; from < vectors.size(); from += batch) {
      batches.add(Features.toMatrix(vectors.subList(from, Math.min(vectors.size(), from + batch)), inputSize));
    }
    LongSupplier barePass = () -> {
      for (INDArray x : batches) {
        network.feedForward(x, false);
      }
      return rows;
    };
    Dataset<Row> cached = features.cache();
    cached.count();
    LongSupplier fromFeaturesPass = () -> {
      Encoder.encode(spark, cached, network, "bench", codeLayer, inputSize, batch)
          .write().mode("overwrite").option("parquet.enable.dictionary", "false").parquet(scratch + "/codes");
      return rows;
    };
    LongSupplier endToEndPass = () -> {
      Quarantine.Split s = ImageFeaturizer.featurize(
          CorpusSource.read(spark, imageCorpus, CorpusKind.IMAGE, config.input()).rows(), config.image(),
          config.input().maxImagePixels());
      try {
        Encoder.encode(spark, s.accepted(), network, "bench", codeLayer, inputSize, batch)
            .write().mode("overwrite").option("parquet.enable.dictionary", "false").parquet(scratch + "/codes");
      } finally {
        s.release();
      }
      return rows;
    };
    // Rounds interleave the three, so drift of a noisy machine hits all of them alike; the ratios
    // are taken within each round, then the median.
    List<LongSupplier> passes = List.of(barePass, fromFeaturesPass, endToEndPass);
    passes.forEach(LongSupplier::getAsLong);
    List<double[]> rounds = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      double[] rates = new double[3];
      for (int k = 0; k < 3; k++) {
        long start = System.nanoTime();
        long n = passes.get(k).getAsLong();
        rates[k] = n / ((System.nanoTime() - start) / 1e9);
      }
      rounds.add(rates);
    }
    cached.unpersist();
    return new Rates(rows, median(rounds, r -> r[0]), median(rounds, r -> r[1]), median(rounds, r -> r[2]),
        median(rounds, r -> r[1] / r[0]), median(rounds, r -> r[2] / r[0]));
  }

  private static double median(List<double[]> rounds, java.util.function.ToDoubleFunction<double[]> value) {
    return Median.of(rounds.stream().mapToDouble(value).toArray());
  }
}
