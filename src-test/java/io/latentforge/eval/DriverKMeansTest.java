package io.latentforge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.testing.SparkSessionExtension;
import java.util.Random;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Evaluation's k-means on the driver, against the labels it should find and against MLlib's. */
@ExtendWith(SparkSessionExtension.class)
class DriverKMeansTest {

  /** {@code perCluster} rows around each of {@code k} random centres in {@code d} dimensions. */
  private static float[][] blobs(int k, int perCluster, int d, double spread, long seed, int[] labels) {
    Random random = new Random(seed);
    double[][] centres = new double[k][d];
    for (double[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = random.nextGaussian() * 3;
      }
    }
    float[][] rows = new float[k * perCluster][d];
    for (int i = 0; i < rows.length; i++) {
      labels[i] = i % k;
      for (int j = 0; j < d; j++) {
        rows[i][j] = (float) (centres[labels[i]][j] + random.nextGaussian() * spread);
      }
    }
    return rows;
  }

  @Test
  void separatedClustersAreFoundExactlyAndTheSameSeedGivesTheSameClusters() {
    int[] labels = new int[6 * 50];
    float[][] rows = blobs(6, 50, 20, 0.3, 1, labels);
    int[] clusters = DriverKMeans.cluster(rows, 6, 42);
    assertThat(ClusterMetrics.nmi(labels, clusters)).isCloseTo(1.0, within(1e-9));
    assertThat(DriverKMeans.cluster(rows, 6, 42)).isEqualTo(clusters);
    assertThat(DriverKMeans.cluster(rows, 1, 42)).containsOnly(0);
  }

  @Test
  void sparseRowsLikeTermVectorsAreClusteredByTheirTerms(SparkSession spark) {
    // 4 topics of 10 terms each over 200 terms; each document uses 5 terms of its topic.
    Random random = new Random(3);
    int[] labels = new int[160];
    float[][] rows = new float[160][200];
    for (int i = 0; i < rows.length; i++) {
      labels[i] = i % 4;
      for (int t = 0; t < 5; t++) {
        rows[i][labels[i] * 10 + random.nextInt(10)] += 1;
      }
    }
    double ours = ClusterMetrics.nmi(labels, DriverKMeans.cluster(rows, 4, 7));
    Dataset<Row> data = Evaluation.frame(spark, rows);
    int[] mllib = new KMeans().setK(4).setSeed(7).setFeaturesCol("v").setPredictionCol("c").fit(data).transform(data)
        .orderBy("i").select("c").as(Encoders.INT()).collectAsList().stream()
        .mapToInt(Integer::intValue).toArray();
    assertThat(ours).isGreaterThan(0.9).isGreaterThanOrEqualTo(ClusterMetrics.nmi(labels, mllib) - 0.02);
  }

  @Test
  void overlappingClustersEndAsTightAsMllibsKMeans(SparkSession spark) {
    int[] labels = new int[8 * 60];
    float[][] rows = blobs(8, 60, 10, 2.0, 5, labels);
    Dataset<Row> data = Evaluation.frame(spark, rows);
    KMeansModel mllib = new KMeans().setK(8).setSeed(42).setFeaturesCol("v").fit(data);
    double mllibCost = mllib.summary().trainingCost();
    double ours = 0;
    int[] clusters = DriverKMeans.cluster(rows, 8, 42);
    for (int c = 0; c < 8; c++) {
      double[] mean = new double[10];
      int n = 0;
      for (int i = 0; i < rows.length; i++) {
        if (clusters[i] == c) {
          n++;
          for (int j = 0; j < 10; j++) {
            mean[j] += rows[i][j];
          }
        }
      }
      for (int i = 0; i < rows.length; i++) {
        for (int j = 0; j < 10 && clusters[i] == c; j++) {
          ours += Math.pow(rows[i][j] - mean[j] / n, 2);
        }
      }
    }
    assertThat(ours).isLessThan(mllibCost * 1.05);
  }
}
