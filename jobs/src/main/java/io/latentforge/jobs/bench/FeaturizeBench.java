package io.latentforge.jobs.bench;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.features.image.ImageFeaturizer;
import io.latentforge.features.text.TextFeaturizer;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.schema.CorpusKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times featurization of a Parquet corpus as a nightly run does it (read, id checks, decode or
 * tokenize, quarantine), with the features consumed by Spark's no-op sink so nothing is collected
 * or written. Each measurement is repeated; the median is reported.
 */
public final class FeaturizeBench {

  private final SparkSession spark;
  private final LatentforgeConfig config;

  public FeaturizeBench(SparkSession spark, LatentforgeConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** Rows per second of one kind of corpus; for text, with and without fitting the vocabulary. */
  public record Rate(CorpusKind kind, long rows, double medianSeconds, double rowsPerSecond, List<Double> seconds) {}

  public Rate images(String corpus, int repeats) {
    return measure(CorpusKind.IMAGE, corpus, repeats, () -> {
      Dataset<Row> rows = CorpusSource.read(spark, corpus, CorpusKind.IMAGE, config.input()).rows();
      return ImageFeaturizer.featurize(rows, config.image(), config.input().maxImagePixels());
    });
  }

  /** Fit the vocabulary and featurize, as a nightly run does. */
  public Rate documents(String corpus, int repeats) {
    return measure(CorpusKind.TEXT, corpus, repeats, () -> {
      Dataset<Row> rows = CorpusSource.read(spark, corpus, CorpusKind.TEXT, config.input()).rows();
      return TextFeaturizer.featurize(rows, config.text()).split();
    });
  }

  private Rate measure(CorpusKind kind, String corpus, int repeats, Supplier<Quarantine.Split> featurize) {
    List<Double> seconds = new ArrayList<>();
    long rows = 0;
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      Quarantine.Split split = featurize.get();
      try {
        split.accepted().write().format("noop").mode("overwrite").save();
        rows = split.cached().count();
      } finally {
        split.release();
      }
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    double median = Median.of(seconds.stream().mapToDouble(Double::doubleValue).toArray());
    return new Rate(kind, rows, median, rows / median, List.copyOf(seconds));
  }
}
