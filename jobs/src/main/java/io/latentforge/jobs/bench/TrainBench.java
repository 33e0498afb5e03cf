package io.latentforge.jobs.bench;

import io.latentforge.config.ModelSpec;
import io.latentforge.config.TrainSettings;
import io.latentforge.model.Autoencoder;
import io.latentforge.schema.Columns;
import io.latentforge.train.Corruption;
import io.latentforge.train.SparkTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training throughput of one network on the same generated rows two ways: plain DL4J in one JVM
 * (minibatches already in memory, ND4J using every core) and the production Spark path
 * (parameter averaging over the cores, from a cached Dataset). No validation or checkpoints, so
 * both do only training.
 */
public final class TrainBench {

  private final SparkSession spark;
  private final ModelSpec model;
  private final TrainSettings train;

  public TrainBench(SparkSession spark, ModelSpec model, TrainSettings train) {
    this.spark = spark;
    this.model = model;
    this.train = train.trainingOnly(train.epochs());
  }

  /** Examples per second of each, and the Spark rate as a fraction of the single-JVM one. */
  public record Rates(int rows, int features, int epochs, int batchSizePerWorker, double singleJvm, double spark) {
    public double ratio() {
      return spark / singleJvm;
    }
  }

  public Rates run(int rows, int features, String scratch) {
    float[][] x = data(rows, features);
    // The single JVM fits the minibatches the Spark run's workers do.
    TrainSettings train = this.train.withBatchFor(rows, SparkTrainer.workers(this.train, spark));
    Autoencoder.Architecture architecture = Autoencoder.build(model, ModelSpec.Loss.XENT, features, null, train);
    int batch = train.distribution().batchSizePerWorker();
    double single = singleJvm(x, architecture, batch);
    Dataset<Row> cached = dataset(x).cache();
    cached.count();
    try {
      // One untimed epoch first, as the single JVM's warm-up.
      SparkTrainer.fit(spark, cached, features, architecture, none(), train.trainingOnly(1), paths(scratch));
      long start = System.nanoTime();
      SparkTrainer.fit(spark, cached, features, architecture, none(), train, paths(scratch));
      double sparkRate = (double) rows * train.epochs() / ((System.nanoTime() - start) / 1e9);
      return new Rates(rows, features, train.epochs(), batch, single, sparkRate);
    } finally {
      cached.unpersist();
    }
  }

  private double singleJvm(float[][] x, Autoencoder.Architecture architecture, int batchSize) {
    int cores = spark.sparkContext().defaultParallelism();
    int masterThreadsBefore = Nd4j.getEnvironment().maxMasterThreads();
    int threadsBefore = Nd4j.getEnvironment().maxThreads();
    Nd4j.getEnvironment().setMaxMasterThreads(cores); // plain DL4J uses every core through ND4J
    Nd4j.getEnvironment().setMaxThreads(cores);
    try {
      List<DataSet> batches = new ArrayList<>();
      for (int from = 0; from < x.length; from += batchSize) {
        int to = Math.min(x.length, from + batchSize);
        INDArray batch = Nd4j.create(java.util.Arrays.copyOfRange(x, from, to)).castTo(DataType.FLOAT);
        batches.add(new DataSet(batch, batch));
      }
      MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration().clone());
      network.init();
      batches.forEach(network::fit); // warm-up epoch
      long start = System.nanoTime();
      for (int e = 0; e < train.epochs(); e++) {
        batches.forEach(network::fit);
      }
      return (double) x.length * train.epochs() / ((System.nanoTime() - start) / 1e9);
    } finally {
      Nd4j.getEnvironment().setMaxMasterThreads(masterThreadsBefore);
      Nd4j.getEnvironment().setMaxThreads(threadsBefore);
    }
  }

  /** Sparse-ish [0,1] rows: a few bright blobs, like thresholded images. */
  private static float[][] data(int rows, int features) {
    SplittableRandom random = new SplittableRandom(5);
    float[][] x = new float[rows][features];
    for (float[] row : x) {
      for (int blob = 0; blob < 6; blob++) {
        int at = random.nextInt(features);
        for (int k = 0; k < 20 && at + k < features; k++) {
          row[at + k] = (float) random.nextDouble(0.5, 1.0);
        }
      }
    }
    return x;
  }

  private Dataset<Row> dataset(float[][] x) {
    List<Row> rows = new ArrayList<>(x.length);
    for (int i = 0; i < x.length; i++) {
      double[] v = new double[x[i].length];
      for (int j = 0; j < v.length; j++) {
        v[j] = x[i][j];
      }
      rows.add(RowFactory.create("r" + i, Vectors.dense(v)));
    }
    int partitions = spark.sparkContext().defaultParallelism();
    return spark.createDataFrame(rows, new StructType().add(Columns.ID, DataTypes.StringType, false)
        .add(Columns.FEATURES, SQLDataTypes.VectorType(), false)).repartition(partitions);
  }

  private static Corruption none() {
    return new Corruption(new ModelSpec.Corruption(ModelSpec.CorruptionType.NONE, 0));
  }

  private static SparkTrainer.Paths paths(String scratch) {
    return new SparkTrainer.Paths(scratch + "/scratch", scratch + "/checkpoints-unused");
  }
}
