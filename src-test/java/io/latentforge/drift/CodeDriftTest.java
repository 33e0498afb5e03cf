package io.latentforge.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.Metric;
import io.latentforge.config.NeighborSettings;
import io.latentforge.testing.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Drift between two code partitions, on codes whose drift is known. */
@ExtendWith(SparkSessionExtension.class)
class CodeDriftTest {

  private static final int ROWS = 80;
  private static final NeighborSettings SEARCH = new NeighborSettings(10, Metric.EUCLIDEAN, 32,
      new NeighborSettings.Approximate(8, 0, 100, 0), 7);
  private static final StructType CODES = new StructType().add("id", DataTypes.StringType, false)
      .add("code", DataTypes.createArrayType(DataTypes.FloatType, false), false);
  private static final StructType CLUSTERS = new StructType().add("id", DataTypes.StringType, false)
      .add("cluster", DataTypes.IntegerType, false);
  private static final StructType CENTERS = new StructType().add("cluster", DataTypes.IntegerType, false)
      .add("center", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private static float[][] random(int rows, long seed) {
    Random r = new Random(seed);
    float[][] c = new float[rows][4];
    for (float[] code : c) {
      for (int j = 0; j < code.length; j++) {
        code[j] = (float) r.nextGaussian();
      }
    }
    return c;
  }

  /** Rows {@code from} to {@code to} (exclusive), row i with code {@code code.apply(i)}. */
  private static Dataset<Row> codes(SparkSession spark, int from, int to, IntFunction<float[]> code) {
    List<Row> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      float[] c = code.apply(i);
      List<Float> boxed = new ArrayList<>();
      for (float v : c) {
        boxed.add(v);
      }
      rows.add(RowFactory.create(String.format("r%03d", i), boxed));
    }
    return spark.createDataFrame(rows, CODES);
  }

  /** Rows {@code from} to {@code to} in {@code cluster.apply(i)}, each centre given by {@code center}. */
  private static CodeDrift.Clusters clusters(SparkSession spark, int from, int to, IntFunction<Integer> cluster,
      float[][] centers) {
    List<Row> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      rows.add(RowFactory.create(String.format("r%03d", i), cluster.apply(i)));
    }
    List<Row> centerRows = new ArrayList<>();
    for (int c = 0; c < centers.length; c++) {
      List<Float> boxed = new ArrayList<>();
      for (float v : centers[c]) {
        boxed.add(v);
      }
      centerRows.add(RowFactory.create(c, boxed));
    }
    return new CodeDrift.Clusters(spark.createDataFrame(rows, CLUSTERS), spark.createDataFrame(centerRows, CENTERS));
  }

  /** Centre c at (c, 0, 0, 0). */
  private static float[][] line(int k) {
    float[][] c = new float[k][4];
    for (int i = 0; i < k; i++) {
      c[i][0] = i;
    }
    return c;
  }

  private static DriftFigures compare(SparkSession spark, Dataset<Row> before, CodeDrift.Clusters beforeClusters,
      Dataset<Row> now, CodeDrift.Clusters nowClusters, boolean aligned) {
    return CodeDrift.compare(spark, new CodeDrift.Previous("2026-11-29", "m1", "r1", before, beforeClusters), now,
        nowClusters, aligned, SEARCH, 30);
  }

  @Test
  void rotatedCodesOfTheSameRowsKeepTheirNeighboursAndClusters(SparkSession spark) {
    float[][] c = random(ROWS + 5, 1);
    // A rotation by 90 degrees in the first two dimensions: every distance kept, every code moved.
    IntFunction<float[]> rotated = i -> new float[] {-c[i][1], c[i][0], c[i][2], c[i][3]};
    // Unaligned codes: clusters renamed are matched by the rows they share.
    DriftFigures drift = compare(spark, codes(spark, 0, ROWS, i -> c[i]), clusters(spark, 0, ROWS, i -> i % 3, line(3)),
        codes(spark, 5, ROWS + 5, rotated), clusters(spark, 5, ROWS + 5, i -> (i + 1) % 3, line(3)), false);

    assertThat(drift.rowsRemoved()).isEqualTo(5);
    assertThat(drift.rowsAdded()).isEqualTo(5);
    assertThat(drift.rowsKept()).isEqualTo(ROWS - 5);
    assertThat(drift.neighborOverlap()).isEqualTo(1.0);
    assertThat(drift.neighborQueries()).isEqualTo(30);
    assertThat(drift.clusterStability()).as("clusters renamed, not changed").isEqualTo(1.0);
    assertThat(drift.clusterMatching()).isEqualTo("shared rows");
    assertThat(drift.codeDistanceMean()).isGreaterThan(0.3);
    assertThat(drift.skipped()).isNull();
  }

  @Test
  void unchangedCodesHaveNoDriftAndShuffledOnesLoseTheirNeighbours(SparkSession spark) {
    float[][] c = random(ROWS, 2);
    Dataset<Row> before = codes(spark, 0, ROWS, i -> c[i]);
    DriftFigures same = compare(spark, before, null, before, null, true);
    assertThat(same.codeDistanceMean()).isEqualTo(0.0);
    assertThat(same.codeDistanceP95()).isEqualTo(0.0);
    assertThat(same.neighborOverlap()).isEqualTo(1.0);
    assertThat(same.clusterStability()).isNull();
    assertThat(same.skipped()).containsKey("cluster_stability");

    // Every row gets another row's code: neighbourhoods are those of other rows.
    DriftFigures shuffled = compare(spark, before, clusters(spark, 0, ROWS, i -> i % 4, line(4)),
        codes(spark, 0, ROWS, i -> c[(i * 37 + 11) % ROWS]),
        clusters(spark, 0, ROWS, i -> i < ROWS / 2 ? i % 4 : 0, line(4)), true);
    assertThat(shuffled.neighborOverlap()).isLessThan(0.3);
    assertThat(shuffled.codeDistanceMean()).isCloseTo(1.0, within(0.3));
    // Same centres, so each cluster is matched to itself: half the rows keep their cluster, and of
    // the other half those that were in cluster 0.
    assertThat(shuffled.clusterMatching()).isEqualTo("centres");
    assertThat(shuffled.clusterStability()).isCloseTo(0.625, within(1e-9));
  }

  @Test
  void alignedClustersAreMatchedByTheirCentresNotByTheRowsTheyShare(SparkSession spark) {
    float[][] c = random(ROWS, 4);
    Dataset<Row> codes = codes(spark, 0, ROWS, i -> c[i]);
    // Tonight's clusters hold the same rows under shifted numbers, and the centres moved with them:
    // matched by centres, every row stays; had the centres not moved, none would.
    float[][] shifted = {line(3)[1], line(3)[2], line(3)[0]};
    CodeDrift.Clusters before = clusters(spark, 0, ROWS, i -> i % 3, line(3));
    assertThat(compare(spark, codes, before, codes, clusters(spark, 0, ROWS, i -> (i + 2) % 3, shifted), true)
        .clusterStability()).isEqualTo(1.0);
    assertThat(compare(spark, codes, before, codes, clusters(spark, 0, ROWS, i -> (i + 2) % 3, line(3)), true)
        .clusterStability()).isEqualTo(0.0);
  }

  @Test
  void partitionsWithoutSharedRowsOnlyCountThem(SparkSession spark) {
    float[][] c = random(20, 3);
    DriftFigures drift = compare(spark, codes(spark, 0, 10, i -> c[i]), null, codes(spark, 10, 20, i -> c[i]), null,
        true);
    assertThat(drift.rowsKept()).isZero();
    assertThat(drift.rowsAdded()).isEqualTo(10);
    assertThat(drift.rowsRemoved()).isEqualTo(10);
    assertThat(drift.codeDistanceMean()).isNull();
    assertThat(drift.skipped()).containsKey("codes");
  }
}
