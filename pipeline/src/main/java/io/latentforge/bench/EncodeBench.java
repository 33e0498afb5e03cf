package io.latentforge.bench;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.encode.Encoder;
import io.latentforge.image.ImageFeaturizer;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.Quarantine;
import io.latentforge.model.Autoencoder;
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

  public record Rates(long rows, double bare, double fromFeatures, double endToEnd) {}

  public Rates run(String imageCorpus, String scratch, int repeats) {
    int inputSize = config.image().size();
    MultiLayerNetwork network = new MultiLayerNetwork(Autoencoder.configuration(config.model(), ModelSpec.Loss.XENT,
        inputSize, config.train()));
    network.init();
    int codeLayer = Autoencoder.codeLayerIndex(config.model());
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
    double bare = median(repeats, () -> {
      for (INDArray x : batches) {
        network.feedForward(x, false);
      }
      return rows;
    });
    Dataset<Row> cached = features.cache();
    cached.count();
    double fromFeatures = median(repeats, () -> {
      Encoder.encode(spark, cached, network, "bench", codeLayer, inputSize, batch)
          .write().mode("overwrite").option("parquet.enable.dictionary", "false").parquet(scratch + "/codes");
      return rows;
    });
    cached.unpersist();
    double endToEnd = median(repeats, () -> {
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
    });
    return new Rates(rows, bare, fromFeatures, endToEnd);
  }

  /** Rows per second: the median over repeats, after one warm-up run. */
  private static double median(int repeats, LongSupplier work) {
    work.getAsLong();
    List<Double> rates = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      long rows = work.getAsLong();
      rates.add(rows / ((System.nanoTime() - start) / 1e9));
    }
    return rates.stream().sorted().toList().get(rates.size() / 2);
  }
}
