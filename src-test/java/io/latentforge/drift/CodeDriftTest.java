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

  private static Dataset<Row> clusters(SparkSession spark, int from, int to, IntFunction<Integer> cluster) {
    List<Row> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      rows.add(RowFactory.create(String.format("r%03d", i), cluster.apply(i)));
    }
    return spark.createDataFrame(rows, CLUSTERS);
  }

  private static DriftFigures compare(SparkSession spark, Dataset<Row> before, Dataset<Row> beforeClusters,
      Dataset<Row> now, Dataset<Row> nowClusters) {
    return CodeDrift.compare(spark, new CodeDrift.Previous("2026-11-29", "m1", "r1", before, beforeClusters), now,
        nowClusters, true, SEARCH, 30);
  }

  @Test
  void rotatedCodesOfTheSameRowsKeepTheirNeighboursAndClusters(SparkSession spark) {
    float[][] c = random(ROWS + 5, 1);
    // A rotation by 90 degrees in the first two dimensions: every distance kept, every code moved.
    IntFunction<float[]> rotated = i -> new float[] {-c[i][1], c[i][0], c[i][2], c[i][3]};
    DriftFigures drift = compare(spark, codes(spark, 0, ROWS, i -> c[i]), clusters(spark, 0, ROWS, i -> i % 3),
        codes(spark, 5, ROWS + 5, rotated), clusters(spark, 5, ROWS + 5, i -> (i + 1) % 3));

    assertThat(drift.rowsRemoved()).isEqualTo(5);
    assertThat(drift.rowsAdded()).isEqualTo(5);
    assertThat(drift.rowsKept()).isEqualTo(ROWS - 5);
    assertThat(drift.neighborOverlap()).isEqualTo(1.0);
    assertThat(drift.neighborQueries()).isEqualTo(30);
    assertThat(drift.clusterStability()).as("clusters renamed, not changed").isEqualTo(1.0);
    assertThat(drift.codeDistanceMean()).isGreaterThan(0.3);
    assertThat(drift.skipped()).isNull();
  }

  @Test
  void unchangedCodesHaveNoDriftAndShuffledOnesLoseTheirNeighbours(SparkSession spark) {
    float[][] c = random(ROWS, 2);
    Dataset<Row> before = codes(spark, 0, ROWS, i -> c[i]);
    DriftFigures same = compare(spark, before, null, before, null);
    assertThat(same.codeDistanceMean()).isEqualTo(0.0);
    assertThat(same.codeDistanceP95()).isEqualTo(0.0);
    assertThat(same.neighborOverlap()).isEqualTo(1.0);
    assertThat(same.clusterStability()).isNull();
    assertThat(same.skipped()).containsKey("cluster_stability");

    // Every row gets another row's code: neighbourhoods are those of other rows.
    DriftFigures shuffled = compare(spark, before, clusters(spark, 0, ROWS, i -> i % 4),
        codes(spark, 0, ROWS, i -> c[(i * 37 + 11) % ROWS]), clusters(spark, 0, ROWS, i -> i < ROWS / 2 ? i % 4 : 0));
    assertThat(shuffled.neighborOverlap()).isLessThan(0.3);
    assertThat(shuffled.codeDistanceMean()).isCloseTo(1.0, within(0.3));
    // Half the rows keep their cluster; of the other half, those in cluster 0 before stay too.
    assertThat(shuffled.clusterStability()).isCloseTo(0.625, within(1e-9));
  }

  @Test
  void partitionsWithoutSharedRowsOnlyCountThem(SparkSession spark) {
    float[][] c = random(20, 3);
    DriftFigures drift = compare(spark, codes(spark, 0, 10, i -> c[i]), null, codes(spark, 10, 20, i -> c[i]), null);
    assertThat(drift.rowsKept()).isZero();
    assertThat(drift.rowsAdded()).isEqualTo(10);
    assertThat(drift.rowsRemoved()).isEqualTo(10);
    assertThat(drift.codeDistanceMean()).isNull();
    assertThat(drift.skipped()).containsKey("codes");
  }
}
