package io.latentforge.retrieval;

import static org.apache.spark.sql.functions.col;

import io.latentforge.config.Metric;
import io.latentforge.config.NeighborSettings;
import io.latentforge.model.CodeLayer;
import io.latentforge.schema.Columns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Bucket keys of a code in each hash table: the signs of {@code bits} random projections (random
 * hyperplanes, for cosine; on codes centred by their mean for euclidean), or {@code bits} sampled
 * bits of code_bits (hamming). Near codes share a bucket in some table with high probability.
 */
final class Lsh implements Serializable {

  private final Metric metric;
  private final int tables;
  private final int bits;
  private final float[] mean;
  /** Per table and bit: a direction over the code (float metrics) or a bit position (hamming). */
  private final float[][] planes;
  private final int[] positions;

  private Lsh(Metric metric, int tables, int bits, float[] mean, float[][] planes, int[] positions) {
    this.metric = metric;
    this.tables = tables;
    this.bits = bits;
    this.mean = mean;
    this.planes = planes;
    this.positions = positions;
  }

  int bits() {
    return bits;
  }

  int tables() {
    return tables;
  }

  static Lsh fit(Dataset<Row> codes, NeighborSettings settings, long rows) {
    NeighborSettings.Approximate a = settings.approximate();
    int bits = a.bits() > 0 ? a.bits()
        : (int) Math.max(0, Math.min(30, Math.round(Math.log((double) rows / a.bucketRows()) / Math.log(2))));
    int tables = bits == 0 ? 1 : a.tables();
    SplittableRandom random = new SplittableRandom(settings.seed());
    Metric metric = settings.metric();
    Row first = NeighborSearch.columns(codes, metric).first();
    if (metric == Metric.HAMMING) {
      int width = ((byte[]) first.get(1)).length * 8;
      int[] positions = new int[tables * bits];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = random.nextInt(width);
      }
      return new Lsh(metric, tables, bits, null, null, positions);
    }
    int dim = first.getList(1).size();
    float[][] planes = new float[tables * bits][dim];
    for (float[] plane : planes) {
      for (int j = 0; j < dim; j++) {
        plane[j] = (float) gaussian(random);
      }
    }
    return new Lsh(metric, tables, bits, metric == Metric.EUCLIDEAN ? mean(codes, dim) : new float[dim], planes, null);
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static float[] mean(Dataset<Row> codes, int dim) {
    Vector v = codes.select(Summarizer.mean(functions.array_to_vector(col(Columns.CODE)))).first().getAs(0);
    float[] mean = new float[dim];
    for (int j = 0; j < dim; j++) {
      mean[j] = (float) v.apply(j);
    }
    return mean;
  }

  /** One key per table: the table in the high bits, the signature in the low ones. */
  List<Long> keys(Code code) {
    List<Long> keys = new ArrayList<>(tables);
    for (int t = 0; t < tables; t++) {
      long signature = 0;
      for (int b = 0; b < bits; b++) {
        signature = (signature << 1) | (bit(code, t * bits + b) ? 1 : 0);
      }
      keys.add(((long) t << 32) | signature);
    }
    return keys;
  }

  private boolean bit(Code code, int h) {
    if (metric == Metric.HAMMING) {
      return CodeLayer.isSet(code.bits(), positions[h]);
    }
    float[] values = code.values();
    double dot = 0;
    for (int j = 0; j < values.length; j++) {
      dot += (values[j] - mean[j]) * planes[h][j];
    }
    return dot >= 0;
  }
}
