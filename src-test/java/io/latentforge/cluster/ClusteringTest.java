package io.latentforge.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ClusterSettings;
import io.latentforge.schema.Columns;
import io.latentforge.testing.SparkSessionExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** k-means and bisecting k-means on well-separated blobs of codes. */
@ExtendWith(SparkSessionExtension.class)
class ClusteringTest {

  /** Three blobs of 30 codes around (0,0,0), (10,0,0), (0,10,0); ids name the blob. */
  private static Dataset<Row> blobs(SparkSession spark) {
    Random random = new Random(1);
    float[][] centres = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}};
    List<Row> rows = new ArrayList<>();
    for (int b = 0; b < centres.length; b++) {
      for (int i = 0; i < 30; i++) {
        Float[] code = new Float[3];
        for (int j = 0; j < 3; j++) {
          code[j] = centres[b][j] + (float) random.nextGaussian() * 0.5f;
        }
        rows.add(RowFactory.create("blob" + b + "-" + i, code));
      }
    }
    return spark.createDataFrame(rows, new StructType().add(Columns.ID, DataTypes.StringType)
        .add(Columns.CODE, DataTypes.createArrayType(DataTypes.FloatType, false)));
  }

  @Test
  void bothAlgorithmsRecoverSeparatedBlobs(SparkSession spark) {
    for (ClusterSettings.Algorithm algorithm : ClusterSettings.Algorithm.values()) {
      Clustering.Clusters clusters = Clustering.fit(spark, Clustering.codeVectors(blobs(spark)), Columns.CODE,
          new ClusterSettings(3, algorithm, 20, 3));
      List<Row> assigned = clusters.assignments().collectAsList();
      Map<String, java.util.Set<Integer>> clustersByBlob = assigned.stream().collect(Collectors.groupingBy(
          r -> r.getString(0).substring(0, 5), Collectors.mapping(r -> r.getInt(1), Collectors.toSet())));
      assertThat(clustersByBlob).as(algorithm.name()).hasSize(3).allSatisfy((blob, ids) -> assertThat(ids).hasSize(1));
      assertThat(clustersByBlob.values().stream().flatMap(java.util.Set::stream).distinct().count()).isEqualTo(3);
      assertThat(clusters.silhouette()).as(algorithm + " silhouette").isGreaterThan(0.8);
      // Every distance is to the row's own centre: about 0.5 * sqrt(3) for this spread.
      assertThat(assigned).allSatisfy(r -> assertThat(r.getDouble(2)).isBetween(0.0, 2.5));
      List<Row> centres = clusters.centers().orderBy(Clustering.CLUSTER).collectAsList();
      assertThat(centres).hasSize(3).allSatisfy(c -> assertThat(c.getLong(2)).isEqualTo(30));
      assertThat(clusters.rows()).isEqualTo(90);
      clusters.release();
    }
  }

  @Test
  void silhouetteHasItsKnownValue(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (float x : new float[] {0, 1, 10, 11}) {
      rows.add(RowFactory.create("p" + (int) x, new Float[] {x}));
    }
    Dataset<Row> line = spark.createDataFrame(rows, new StructType().add(Columns.ID, DataTypes.StringType)
        .add(Columns.CODE, DataTypes.createArrayType(DataTypes.FloatType, false)));
    Clustering.Clusters clusters = Clustering.fit(spark, Clustering.codeVectors(line), Columns.CODE,
        new ClusterSettings(2, ClusterSettings.Algorithm.KMEANS, 10, 1));
    // Squared euclidean (MLlib's): for 0, a = 1 and b = (100 + 121) / 2, so s = 1 - 1/110.5; for 1,
    // b = (81 + 100) / 2, so s = 1 - 1/90.5; 10 and 11 mirror them.
    double expected = ((1 - 1 / 110.5) + (1 - 1 / 90.5)) / 2;
    assertThat(clusters.silhouette()).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(clusters.assignments().where("id = 'p0'").first().getDouble(2)).isCloseTo(0.5,
        org.assertj.core.api.Assertions.within(1e-6));
    clusters.release();
  }

  @Test
  void moreClustersThanRowsIsRefusedWithTheFix(SparkSession spark) {
    Dataset<Row> few = blobs(spark).limit(4);
    assertThatThrownBy(() -> Clustering.fit(spark, Clustering.codeVectors(few), Columns.CODE,
        new ClusterSettings(5, ClusterSettings.Algorithm.KMEANS, 10, 1)))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("cluster.k = 5").hasMessageContaining("4 rows");
  }
}
