package io.latentforge.train;

import io.latentforge.LatentforgeException;
import io.latentforge.config.TrainSettings;
import io.latentforge.run.Stage;
import io.latentforge.schema.Columns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an autoencoder on a featurized Dataset with DL4J's parameter averaging: each worker
 * fits minibatches of its partition and the driver averages parameters every
 * {@code averaging-frequency} minibatches. The features are their own labels.
 */
public final class SparkTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

  private SparkTrainer() {}

  /** The trained network and its per-epoch metrics. */
  public record Trained(MultiLayerNetwork network, List<EpochMetrics> epochs) {}

  /**
   * @param features rows with a {@link Columns#FEATURES} vector column of {@code inputSize}
   * @param corruption applied to the inputs afresh every epoch (denoising), or none
   * @param scratch a directory on a Hadoop file system for DL4J's exported minibatches; removed afterwards
   */
  public static Trained fit(SparkSession spark, Dataset<Row> features, int inputSize, MultiLayerConfiguration conf,
      Corruption corruption, TrainSettings settings, String scratch) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int workers = settings.workers() > 0 ? settings.workers() : sc.defaultParallelism();
    int batch = settings.batchSizePerWorker();
    // Built lazily from the Dataset: nothing is collected to the driver. Not cached here, since
    // DL4J persists the RDD it exports itself (caching it first fails).
    JavaRDD<DataSet> clean = features.select(Columns.FEATURES).javaRDD().mapPartitions(new ToMinibatches(batch, inputSize));
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
        .batchSizePerWorker(batch)
        .averagingFrequency(settings.averagingFrequency())
        .workerPrefetchNumBatches(2)
        .rddTrainingApproach(approach(settings.approach(), sc))
        .exportDirectory(scratch)
        .rngSeed(settings.seed())
        .build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, conf, master);
    List<EpochMetrics> epochs = new ArrayList<>();
    try {
      for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
        long start = System.nanoTime();
        JavaRDD<DataSet> data = corruption.epoch(clean, settings.seed(), epoch);
        Stage.run(spark, "latentforge.train", "train epoch " + epoch + "/" + settings.epochs(), () -> sparkNet.fit(data));
        double loss = sparkNet.getScore();
        requireFinite(loss, sparkNet.getNetwork().params(), epoch, settings);
        EpochMetrics m = new EpochMetrics(epoch, loss, (System.nanoTime() - start) / 1e9);
        epochs.add(m);
        LOG.info("epoch {}/{}: training loss {} ({} s)", epoch, settings.epochs(), String.format("%.5f", loss),
            String.format("%.1f", m.seconds()));
      }
    } finally {
      master.deleteTempFiles(sc);
      deleteQuietly(spark, scratch, true);
      deleteQuietly(spark, new Path(scratch).getParent().toString(), false); // only when no other run uses it
    }
    return new Trained(sparkNet.getNetwork(), List.copyOf(epochs));
  }

  /**
   * DL4J refuses Export on a non-local master whose default file system is the local one (it
   * cannot know the export directory is shared), so auto falls back to Direct there.
   */
  static RDDTrainingApproach approach(TrainSettings.Approach configured, JavaSparkContext sc) {
    boolean exportSupported = ExportSupport.exportSupported(sc);
    return switch (configured) {
      case EXPORT -> {
        if (!exportSupported) {
          throw LatentforgeException.usage("train.approach = export is not supported with master " + sc.master()
                  + " and the default file system " + sc.hadoopConfiguration().get("fs.defaultFS") + ": DL4J exports "
                  + "minibatches only to a file system every executor shares.",
              "use train.approach = direct or auto, or set spark.hadoop.fs.defaultFS to a shared file system (hdfs://...).");
        }
        yield RDDTrainingApproach.Export;
      }
      case DIRECT -> RDDTrainingApproach.Direct;
      case AUTO -> {
        if (!exportSupported) {
          LOG.info("training straight from the RDD (train.approach = direct): DL4J does not export minibatches with "
              + "master {} and a local default file system", sc.master());
        }
        yield exportSupported ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct;
      }
    };
  }

  private static void requireFinite(double loss, INDArray params, int epoch, TrainSettings settings) {
    double magnitude = Transforms.abs(params, true).sumNumber().doubleValue();
    if (!Double.isFinite(loss) || !Double.isFinite(magnitude)) {
      throw LatentforgeException.diverged("Training diverged at epoch " + epoch + ": the loss is " + loss
              + " and the parameters are " + (Double.isFinite(magnitude) ? "finite" : "not finite") + ".",
          "lower train.learning-rate (now " + settings.learningRate() + "), e.g. --set train.learning-rate="
              + settings.learningRate() / 10 + ".");
    }
  }

  private static void deleteQuietly(SparkSession spark, String dir, boolean recursive) {
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (recursive || (fs.exists(p) && fs.listStatus(p).length == 0)) {
        fs.delete(p, recursive);
      }
    } catch (IOException e) {
      LOG.warn("could not remove scratch directory {}: {}", dir, e.getMessage());
    }
  }

  /** Packs a partition's feature vectors into DataSets of up to {@code batch} examples. */
  static final class ToMinibatches implements FlatMapFunction<Iterator<Row>, DataSet> {
    private final int batch;
    private final int inputSize;

    ToMinibatches(int batch, int inputSize) {
      this.batch = batch;
      this.inputSize = inputSize;
    }

    @Override
    public Iterator<DataSet> call(Iterator<Row> rows) {
      List<DataSet> out = new ArrayList<>();
      List<Vector> pending = new ArrayList<>(batch);
      while (rows.hasNext()) {
        pending.add(rows.next().getAs(0));
        if (pending.size() == batch) {
          out.add(toDataSet(pending));
          pending.clear();
        }
      }
      if (!pending.isEmpty()) {
        out.add(toDataSet(pending));
      }
      return out.iterator();
    }

    private DataSet toDataSet(List<Vector> vectors) {
      INDArray x = Features.toMatrix(vectors, inputSize);
      return new DataSet(x, x);
    }
  }
}
