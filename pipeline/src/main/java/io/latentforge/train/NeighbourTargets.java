package io.latentforge.train;

import io.latentforge.Stage;
import io.latentforge.config.TrainSettings;
import io.latentforge.schema.Columns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * {@code train.target-neighbours}: each row's training target is the row blended with the mean of
 * its nearest training rows, found by cosine between centred coordinates in PCA of the training
 * rows. An autoencoder that reconstructs itself spends its code on whatever varies most, noise
 * included; one that reconstructs its neighbourhood keeps what a row shares with the rows like it,
 * which is what retrieval by the codes asks of them. Validation rows get neighbours among the
 * training rows too (never each other), so the held-out loss measures the same objective.
 */
public final class NeighbourTargets {

  private static final Logger LOG = LoggerFactory.getLogger(NeighbourTargets.class);
  /** The training target of each row, next to its features. */
  public static final String TARGET = "target";
  /**
   * Neighbours are drawn from at most this many training rows (a sample by id hash beyond it), so
   * the search grows with the rows, not their square; 100,000 rows' coordinates at 32 floats are
   * 13 MB on every executor.
   */
  static final long MAX_CANDIDATES = 100_000;
  /** Query rows scored against every candidate at once. */
  private static final int BLOCK = 128;

  private NeighbourTargets() {}

  /**
   * {@code pca}'s rows ({@link Columns#ID}, {@link Columns#FEATURES}) with a {@link #TARGET} column,
   * persisted; the caller unpersists it after training. Neighbours are found among PCA's leading
   * {@code dimensions} coordinates; {@code rows}, the number of rows or more, sets the candidates'
   * sample.
   */
  public static Dataset<Row> attach(TrainingPca pca, int dimensions, int neighbours, long rows) {
    pca.model();
    return Stage.run(pca.spark(), SparkTrainer.GROUP, "targets: each row with its " + neighbours
        + " nearest training rows", () -> build(pca, dimensions, neighbours, rows, MAX_CANDIDATES));
  }

  /** The training rows neighbours are drawn from: all of them up to {@code maxCandidates}, a sample by id hash beyond. */
  static Dataset<Row> candidates(Dataset<Row> training, long trainingRows, long maxCandidates, TrainSettings settings) {
    return trainingRows <= maxCandidates ? training
        : training.where(HeldOutSplit.heldOut((double) maxCandidates / trainingRows, settings.seed() + 1));
  }

  static Dataset<Row> build(TrainingPca pca, int dimensions, int k, long rows, long maxCandidates) {
    TrainSettings settings = pca.settings();
    Dataset<Row> base = pca.rows().select(Columns.ID, Columns.FEATURES);
    Dataset<Row> pool = candidates(HeldOutSplit.training(base, settings), rows, maxCandidates, settings);
    int d = Math.min(dimensions, pca.components());
    Candidates candidates = Candidates.of(coordinates(pca, pool).collectAsList(), d);
    LOG.info("targets: neighbours among {} training rows (of {} rows) in PCA's {} leading coordinates, {} each, "
        + "weight {}", candidates.ids.length, rows, candidates.dimensions, k, settings.target().weight());
    Broadcast<Candidates> shared = pca.spark().sparkContext().broadcast(candidates,
        scala.reflect.ClassTag$.MODULE$.apply(Candidates.class));
    JavaPairRDD<String, String> pairs = coordinates(pca, base).javaRDD().mapPartitionsToPair(new Nearest(shared, k));
    StructType schema = new StructType().add(Columns.ID, DataTypes.StringType, false)
        .add(Columns.FEATURES, SQLDataTypes.VectorType(), false).add(TARGET, SQLDataTypes.VectorType(), false);
    Dataset<Row> out = pca.spark().createDataFrame(blended(base, pool, pairs, settings.target().weight()), schema)
        .persist(StorageLevel.MEMORY_AND_DISK());
    out.count();
    shared.destroy();
    return out;
  }

  /** (id, principal coordinates) of each row. */
  private static Dataset<Row> coordinates(TrainingPca pca, Dataset<Row> rows) {
    return pca.model().transform(rows).select(Columns.ID, TrainingPca.COORDINATES);
  }

  /**
   * (id, features, target) of every row of {@code base}: {@code 1 - w} of the row and {@code w} of
   * the mean of its neighbours, given as (neighbour, row) pairs whose features {@code pool} holds.
   */
  private static JavaRDD<Row> blended(Dataset<Row> base, Dataset<Row> pool, JavaPairRDD<String, String> pairs,
      double w) {
    JavaPairRDD<String, Tuple2<Vector, Integer>> neighbourSums = pairs.join(byId(pool))
        .mapToPair(t -> new Tuple2<>(t._2()._1(), new Tuple2<>(t._2()._2(), 1)))
        .reduceByKey((a, b) -> new Tuple2<>(blend(a._1(), 1, b._1(), 1), a._2() + b._2()));
    return byId(base).leftOuterJoin(neighbourSums).map(t -> {
      Vector x = t._2()._1();
      // A row without neighbours (a corpus of one training row) reconstructs itself.
      Vector y = t._2()._2().isPresent() ? blend(x, 1 - w, t._2()._2().get()._1(), w / t._2()._2().get()._2()) : x;
      return RowFactory.create(t._1(), x, y);
    });
  }

  private static JavaPairRDD<String, Vector> byId(Dataset<Row> rows) {
    return rows.javaRDD().mapToPair(r -> new Tuple2<>(r.getString(0), (Vector) r.get(1)));
  }

  /** {@code a * wa + b * wb}, sparse. */
  static Vector blend(Vector a, double wa, Vector b, double wb) {
    SparseVector x = a.toSparse();
    SparseVector y = b.toSparse();
    int[] xi = x.indices();
    int[] yi = y.indices();
    int[] idx = new int[xi.length + yi.length];
    double[] val = new double[idx.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < xi.length || j < yi.length) {
      if (j >= yi.length || i < xi.length && xi[i] < yi[j]) {
        idx[n] = xi[i];
        val[n++] = wa * x.values()[i++];
      } else if (i >= xi.length || yi[j] < xi[i]) {
        idx[n] = yi[j];
        val[n++] = wb * y.values()[j++];
      } else {
        idx[n] = xi[i];
        val[n++] = wa * x.values()[i++] + wb * y.values()[j++];
      }
    }
    return Vectors.sparse(a.size(), Arrays.copyOf(idx, n), Arrays.copyOf(val, n));
  }

  /** The training rows' coordinates, centred on their mean and scaled to unit length, row after row. */
  static final class Candidates implements Serializable {
    final String[] ids;
    final float[] mean;
    final float[] unit;
    final int dimensions;

    private Candidates(String[] ids, float[] mean, float[] unit, int dimensions) {
      this.ids = ids;
      this.mean = mean;
      this.unit = unit;
      this.dimensions = dimensions;
    }

    /** The leading {@code d} coordinates of each row. */
    static Candidates of(List<Row> rows, int d) {
      String[] ids = new String[rows.size()];
      float[] mean = new float[d];
      float[] unit = new float[rows.size() * d];
      for (int r = 0; r < ids.length; r++) {
        ids[r] = rows.get(r).getString(0);
        double[] v = ((Vector) rows.get(r).get(1)).toArray();
        for (int c = 0; c < d; c++) {
          unit[r * d + c] = (float) v[c];
          mean[c] += (float) (v[c] / ids.length);
        }
      }
      for (int r = 0; r < ids.length; r++) {
        centreAndNormalize(unit, r * d, d, mean);
      }
      return new Candidates(ids, mean, unit, d);
    }

    static void centreAndNormalize(float[] v, int offset, int d, float[] mean) {
      double norm = 0;
      for (int c = 0; c < d; c++) {
        v[offset + c] -= mean[c];
        norm += (double) v[offset + c] * v[offset + c];
      }
      float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
      for (int c = 0; c < d; c++) {
        v[offset + c] *= scale;
      }
    }
  }

  /** For each row of a partition, its {@code k} nearest training rows other than itself: (neighbour, row) pairs. */
  private record Nearest(Broadcast<Candidates> candidates, int k) implements PairFlatMapFunction<Iterator<Row>, String, String> {

    @Override
    public Iterator<Tuple2<String, String>> call(Iterator<Row> rows) {
      Candidates c = candidates.value();
      if (c.ids.length == 0) {
        return List.<Tuple2<String, String>>of().iterator();
      }
      int d = c.dimensions;
      // The candidates' unit coordinates as a dimensions x candidates matrix, once per partition.
      INDArray matrix = Nd4j.create(c.unit, new long[] {c.ids.length, d}, 'c').transpose().dup('f');
      List<Tuple2<String, String>> out = new ArrayList<>();
      List<String> ids = new ArrayList<>(BLOCK);
      float[] queries = new float[BLOCK * d];
      while (rows.hasNext()) {
        Row r = rows.next();
        double[] v = ((Vector) r.get(1)).toArray();
        int q = ids.size();
        for (int j = 0; j < d; j++) {
          queries[q * d + j] = (float) v[j];
        }
        Candidates.centreAndNormalize(queries, q * d, d, c.mean);
        ids.add(r.getString(0));
        if (ids.size() == BLOCK || !rows.hasNext()) {
          search(c, matrix, queries, ids, out);
          ids.clear();
        }
      }
      return out.iterator();
    }

    /** The block's cosines to every candidate in one matrix product, then each query's best {@code k} by a min-heap. */
    private void search(Candidates c, INDArray matrix, float[] queries, List<String> ids, List<Tuple2<String, String>> out) {
      int d = c.dimensions;
      int n = ids.size();
      int total = c.ids.length;
      float[] scores = Nd4j.create(Arrays.copyOf(queries, n * d), new long[] {n, d}, 'c').mmul(matrix).dup('c')
          .data().asFloat();
      List<PriorityQueue<long[]>> heaps = new ArrayList<>(n);
      for (int q = 0; q < n; q++) {
        PriorityQueue<long[]> h = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(Float.intBitsToFloat((int) a[0]),
            Float.intBitsToFloat((int) b[0])));
        heaps.add(h);
        float floor = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < total; t++) {
          float s = scores[q * total + t];
          if (s > floor && !c.ids[t].equals(ids.get(q))) {
            h.add(new long[] {Float.floatToIntBits(s), t});
            if (h.size() > k) {
              h.poll();
            }
            if (h.size() == k) {
              floor = Float.intBitsToFloat((int) h.peek()[0]);
            }
          }
        }
      }
      for (int q = 0; q < n; q++) {
        for (long[] e : heaps.get(q)) {
          out.add(new Tuple2<>(c.ids[(int) e[1]], ids.get(q)));
        }
      }
    }
  }
}
