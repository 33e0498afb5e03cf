package io.latentforge.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ClusterSettings;
import io.latentforge.schema.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.BisectingKMeansModel;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * k-means or bisecting k-means (Spark MLlib) over codes: each row's cluster and euclidean distance
 * to its centre, the centres with their sizes, and the silhouette (squared euclidean, MLlib's).
 */
public final class Clustering {

  public static final String CLUSTER = "cluster";
  public static final String DISTANCE = "distance";
  public static final String CENTER = "center";
  public static final String SIZE = "size";
  private static final String VECTOR = "_vector";

  private Clustering() {}

  /** Assignments {@code id, cluster, distance} and centres {@code cluster, center, size}, persisted. */
  public record Clusters(Dataset<Row> assignments, long rows, Dataset<Row> centers, double silhouette,
      ClusterSettings settings) {
    public void release() {
      assignments.unpersist();
    }
  }

  /** {@code vectors} has {@code id} and a vector column {@code column}. */
  public static Clusters fit(SparkSession spark, Dataset<Row> vectors, String column, ClusterSettings settings) {
    Dataset<Row> data = vectors.select(col(Columns.ID), col(column).as(VECTOR)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long rows = data.count();
      if (rows < settings.k()) {
        throw LatentforgeException.badInput("Cannot make cluster.k = " + settings.k() + " clusters of " + rows + " rows.",
            "lower cluster.k to at most the number of rows.");
      }
      Model<?> model = settings.algorithm() == ClusterSettings.Algorithm.KMEANS
          ? new KMeans().setK(settings.k()).setMaxIter(settings.maxIterations()).setSeed(settings.seed())
              .setFeaturesCol(VECTOR).setPredictionCol(CLUSTER).fit(data)
          : new BisectingKMeans().setK(settings.k()).setMaxIter(settings.maxIterations()).setSeed(settings.seed())
              .setFeaturesCol(VECTOR).setPredictionCol(CLUSTER).fit(data);
      Vector[] centers = model instanceof KMeansModel km ? km.clusterCenters() : ((BisectingKMeansModel) model).clusterCenters();
      Dataset<Row> predicted = model.transform(data).persist(StorageLevel.MEMORY_AND_DISK());
      double silhouette = centers.length < 2 ? Double.NaN
          : new ClusteringEvaluator().setFeaturesCol(VECTOR).setPredictionCol(CLUSTER).evaluate(predicted);
      UDF2<Vector, Integer, Double> toCenter = (v, c) -> Math.sqrt(Vectors.sqdist(v, centers[c]));
      Dataset<Row> assignments = predicted.select(col(Columns.ID), col(CLUSTER),
              udf(toCenter, DataTypes.DoubleType).apply(col(VECTOR), col(CLUSTER)).as(DISTANCE))
          .persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> centerRows = centers(spark, centers, assignments);
      predicted.unpersist();
      return new Clusters(assignments, rows, centerRows, silhouette, settings);
    } finally {
      data.unpersist();
    }
  }

  /** Codes as MLlib vectors, for {@link #fit}. */
  public static Dataset<Row> codeVectors(Dataset<Row> codes) {
    return codes.select(col(Columns.ID), functions.array_to_vector(col(Columns.CODE)).as(Columns.CODE));
  }

  private static Dataset<Row> centers(SparkSession spark, Vector[] centers, Dataset<Row> assignments) {
    long[] sizes = new long[centers.length];
    for (Row r : assignments.groupBy(CLUSTER).count().collectAsList()) {
      sizes[r.getInt(0)] = r.getLong(1);
    }
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < centers.length; c++) {
      double[] values = centers[c].toArray();
      Float[] center = new Float[values.length];
      for (int j = 0; j < values.length; j++) {
        center[j] = (float) values[j];
      }
      rows.add(RowFactory.create(c, center, sizes[c]));
    }
    StructType schema = new StructType().add(CLUSTER, DataTypes.IntegerType, false)
        .add(CENTER, DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add(SIZE, DataTypes.LongType, false);
    return spark.createDataFrame(rows, schema);
  }
}
