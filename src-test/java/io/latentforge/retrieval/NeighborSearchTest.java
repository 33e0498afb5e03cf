package io.latentforge.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.Metric;
import io.latentforge.config.NeighborSettings;
import io.latentforge.schema.Columns;
import io.latentforge.testing.SparkSessionExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Neighbours under each distance on hand-built codes, exact search against brute force on random
 * codes (many blocks, ties under hamming), and approximate search's recall.
 */
@ExtendWith(SparkSessionExtension.class)
class NeighborSearchTest {

  private static final StructType SCHEMA = new StructType()
      .add(Columns.ID, DataTypes.StringType, false)
      .add(Columns.CODE, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(Columns.CODE_BITS, DataTypes.BinaryType, false);

  private static NeighborSettings settings(int k, Metric metric, int blockRows) {
    return new NeighborSettings(k, metric, blockRows, new NeighborSettings.Approximate(8, 0, 100, 200), 7);
  }

  private static Row row(String id, float[] code, int... bits) {
    byte[] bytes = new byte[bits.length];
    for (int i = 0; i < bits.length; i++) {
      bytes[i] = (byte) bits[i];
    }
    Float[] boxed = new Float[code.length];
    for (int i = 0; i < code.length; i++) {
      boxed[i] = code[i];
    }
    return RowFactory.create(id, boxed, bytes);
  }

  /** Hand-built: a=(1,0) b=(2,0) c=(0,1) d=(1,1) e=(-1,0); bits a=F0 b=F1 c=0F d=F3 e=E0. */
  private static Dataset<Row> handBuilt(SparkSession spark) {
    return spark.createDataFrame(List.of(
        row("a", new float[] {1, 0}, 0xF0), row("b", new float[] {2, 0}, 0xF1), row("c", new float[] {0, 1}, 0x0F),
        row("d", new float[] {1, 1}, 0xF3), row("e", new float[] {-1, 0}, 0xE0)), SCHEMA);
  }

  private static Map<String, List<String>> neighboursOf(NeighborSearch.Result result, String query) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : result.rows().where("query_id = '" + query + "'").orderBy("rank").collectAsList()) {
      out.computeIfAbsent("ids", x -> new ArrayList<>()).add(r.getString(1));
      out.computeIfAbsent("distances", x -> new ArrayList<>()).add(String.format("%.5f", r.getDouble(3)));
      out.computeIfAbsent("ranks", x -> new ArrayList<>()).add(String.valueOf(r.getInt(2)));
    }
    return out;
  }

  @Test
  void knownAnswersUnderEachDistance(SparkSession spark) {
    Dataset<Row> codes = handBuilt(spark);
    Map<String, List<String>> cosine = neighboursOf(NeighborSearch.exact(spark, codes, codes, settings(4, Metric.COSINE, 2)), "a");
    assertThat(cosine.get("ids")).containsExactly("b", "d", "c", "e");
    assertThat(cosine.get("distances")).containsExactly("0.00000", String.format("%.5f", 1 - 1 / Math.sqrt(2)),
        "1.00000", "2.00000");
    assertThat(cosine.get("ranks")).containsExactly("1", "2", "3", "4");

    // b and d are both at 1: ties go to the smaller id.
    Map<String, List<String>> euclidean = neighboursOf(NeighborSearch.exact(spark, codes, codes, settings(4, Metric.EUCLIDEAN, 2)), "a");
    assertThat(euclidean.get("ids")).containsExactly("b", "d", "c", "e");
    assertThat(euclidean.get("distances")).containsExactly("1.00000", "1.00000", String.format("%.5f", Math.sqrt(2)), "2.00000");

    Map<String, List<String>> hamming = neighboursOf(NeighborSearch.exact(spark, codes, codes, settings(3, Metric.HAMMING, 2)), "a");
    assertThat(hamming.get("ids")).containsExactly("b", "e", "d");
    assertThat(hamming.get("distances")).containsExactly("1.00000", "1.00000", "2.00000");
  }

  @Test
  void everyQueryGetsKNeighboursOtherThanItselfAndDuplicatesOfItAtZero(SparkSession spark) {
    List<Row> rows = new ArrayList<>(handBuilt(spark).collectAsList());
    rows.add(row("b2", new float[] {2, 0}, 0xF1));
    Dataset<Row> codes = spark.createDataFrame(rows, SCHEMA);
    NeighborSearch.Result result = NeighborSearch.exact(spark, codes, codes, settings(10, Metric.EUCLIDEAN, 4));
    assertThat(result.count()).isEqualTo(6 * 5);
    assertThat(result.rows().where("query_id = neighbor_id").count()).isZero();
    Row first = result.rows().where("query_id = 'b' and rank = 1").first();
    assertThat(first.getString(1)).isEqualTo("b2");
    assertThat(first.getDouble(3)).isEqualTo(0.0);
  }

  @Test
  void blockedExactSearchEqualsBruteForce(SparkSession spark) {
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      float[] code = new float[12];
      for (int j = 0; j < code.length; j++) {
        code[j] = (float) random.nextGaussian();
      }
      int[] bits = new int[9];
      for (int j = 0; j < bits.length; j++) {
        bits[j] = random.nextInt(256);
      }
      rows.add(row(String.format("r%03d", i), code, bits));
    }
    Dataset<Row> codes = spark.createDataFrame(rows, SCHEMA);
    Dataset<Row> queries = spark.createDataFrame(rows.subList(0, 130), SCHEMA);
    for (Metric metric : Metric.values()) {
      // 16-row blocks: 32 code blocks in 2 chunks of 16, and 9 query blocks, so each query's list is carried
      // across the blocks of a chunk and merged across chunks.
      NeighborSearch.Result result = NeighborSearch.exact(spark, codes, queries, settings(7, metric, 16));
      Map<String, List<Row>> found = new LinkedHashMap<>();
      result.rows().orderBy("query_id", "rank").collectAsList()
          .forEach(r -> found.computeIfAbsent(r.getString(0), x -> new ArrayList<>()).add(r));
      assertThat(found).hasSize(130);
      for (Row q : rows.subList(0, 130)) {
        List<double[]> expected = bruteForce(q, rows, metric, 7);
        List<Row> actual = found.get(q.getString(0));
        assertThat(actual).as(metric + " neighbours of " + q.getString(0)).hasSize(7);
        for (int r = 0; r < 7; r++) {
          assertThat(actual.get(r).getString(1)).as(metric + " rank " + (r + 1) + " of " + q.getString(0))
              .isEqualTo(rows.get((int) expected.get(r)[0]).getString(0));
          assertThat(actual.get(r).getDouble(3)).isCloseTo(expected.get(r)[1], within(1e-5));
        }
      }
      result.release();
    }
  }

  /** (row index, distance) of the k nearest, by distance then id, in double precision, over the rows as built. */
  private static List<double[]> bruteForce(Row query, List<Row> rows, Metric metric, int k) {
    List<double[]> all = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).getString(0).equals(query.getString(0))) {
        all.add(new double[] {i, distance(query, rows.get(i), metric)});
      }
    }
    all.sort(Comparator.<double[]>comparingDouble(a -> a[1]).thenComparing(a -> rows.get((int) a[0]).getString(0)));
    return all.subList(0, k);
  }

  private static double distance(Row a, Row b, Metric metric) {
    if (metric == Metric.HAMMING) {
      byte[] x = a.getAs(2);
      byte[] y = b.getAs(2);
      int d = 0;
      for (int i = 0; i < x.length; i++) {
        d += Integer.bitCount((x[i] ^ y[i]) & 0xFF);
      }
      return d;
    }
    Float[] x = (Float[]) a.get(1);
    Float[] y = (Float[]) b.get(1);
    double dot = 0;
    double xx = 0;
    double yy = 0;
    double squared = 0;
    for (int j = 0; j < x.length; j++) {
      dot += x[j] * (double) y[j];
      xx += x[j] * (double) x[j];
      yy += y[j] * (double) y[j];
      squared += (x[j] - (double) y[j]) * (x[j] - (double) y[j]);
    }
    return metric == Metric.COSINE ? 1 - dot / Math.sqrt(xx * yy) : Math.sqrt(squared);
  }

  @Test
  void approximateSearchFindsMostExactNeighboursAndReportsItsRecall(SparkSession spark) {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      float[] centre = new float[16];
      for (int j = 0; j < centre.length; j++) {
        centre[j] = (float) random.nextGaussian() * 3;
      }
      for (int i = 0; i < 40; i++) {
        float[] code = centre.clone();
        for (int j = 0; j < code.length; j++) {
          code[j] += (float) random.nextGaussian() * 0.3f;
        }
        rows.add(row("c" + c + "-" + i, code, 0));
      }
    }
    Dataset<Row> codes = spark.createDataFrame(rows, SCHEMA);
    for (Metric metric : List.of(Metric.COSINE, Metric.EUCLIDEAN)) {
      NeighborSettings s = settings(5, metric, 256);
      NeighborSearch.Result approximate = NeighborSearch.approximate(spark, codes, s);
      NeighborSearch.Result exact = NeighborSearch.exact(spark, codes, codes, s);
      long found = exact.rows().join(approximate.rows(),
          scala.collection.JavaConverters.asScalaBuffer(List.of("query_id", "neighbor_id")).toSeq()).count();
      double fullRecall = (double) found / exact.count();
      double sampledRecall = NeighborSearch.recall(spark, codes, approximate, s);
      assertThat(fullRecall).as(metric + " recall").isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
      assertThat(sampledRecall).as(metric + " recall on 200 queries").isCloseTo(fullRecall, within(0.1));
      // Approximate lists hold true distances, in order, and never the query.
      assertThat(approximate.rows().where("query_id = neighbor_id").count()).isZero();
      assertThat(approximate.rows().groupBy("query_id").count().where("count > 5").count()).isZero();
      approximate.release();
      exact.release();
    }
  }

  @Test
  void approximateHammingSearchSamplesBitsAndFindsNearCodes(SparkSession spark) {
    Random random = new Random(8);
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < 20; p++) {
      byte[] prototype = new byte[8];
      random.nextBytes(prototype);
      for (int i = 0; i < 30; i++) {
        int[] bits = new int[8];
        for (int b = 0; b < 8; b++) {
          bits[b] = prototype[b] & 0xFF;
        }
        for (int flip = 0; flip < 3; flip++) {
          int bit = random.nextInt(64);
          bits[bit / 8] ^= 0x80 >>> (bit % 8);
        }
        rows.add(row("p" + p + "-" + i, new float[] {0}, bits));
      }
    }
    Dataset<Row> codes = spark.createDataFrame(rows, SCHEMA);
    NeighborSettings s = new NeighborSettings(5, Metric.HAMMING, 256, new NeighborSettings.Approximate(8, 0, 60, 600), 7);
    NeighborSearch.Result approximate = NeighborSearch.approximate(spark, codes, s);
    assertThat(NeighborSearch.recall(spark, codes, approximate, s)).isGreaterThan(0.9);
    // Every neighbour found shares the query's prototype: at most 6 bits apart, against about 32 for others.
    assertThat(approximate.rows().where("split(query_id, '-')[0] != split(neighbor_id, '-')[0]").count()).isZero();
    approximate.release();
  }
}
