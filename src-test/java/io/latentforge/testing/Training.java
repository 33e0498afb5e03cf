package io.latentforge.testing;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.ConvPlan;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.encode.FeatureEncoder;
import io.latentforge.model.Autoencoder;
import io.latentforge.train.Corruption;
import io.latentforge.train.LayerwisePretraining;
import io.latentforge.train.SparkTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Trains autoencoders on in-memory data through the production Spark training path. */
public final class Training {

  private Training() {}

  /** A trained network, its architecture and the config it came from. */
  public record Model(MultiLayerNetwork network, Autoencoder.Architecture architecture, LatentforgeConfig config) {

    /** What the last {@link #train} call's training loop reported (epochs, why it stopped). */
    public static final ThreadLocal<SparkTrainer.Trained> LAST = new ThreadLocal<>();

    /** The code of every row (inference mode: no noise, no corruption). */
    public INDArray codes(double[][] x) {
      List<INDArray> activations = network.feedForward(Nd4j.create(x).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
          false);
      return activations.get(architecture.code().index() + 1);
    }

    /** Mean over rows of the summed squared error between the reconstruction of {@code in} and {@code target}. */
    public double reconError(double[][] in, double[][] target) {
      INDArray out = network.output(Nd4j.create(in).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), false);
      INDArray diff = out.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(Nd4j.create(target));
      return diff.mul(diff).sumNumber().doubleValue() / in.length;
    }
  }

  /**
   * Trains with the defaults overridden by {@code settings} ("key=value"); images give the image
   * shape from features.image.*, documents none.
   */
  public static Model train(SparkSession spark, double[][] x, boolean image, Path scratch, String... settings) {
    // Behaviour tests train every epoch they ask for: no held-out rows, early stop or checkpoints
    // unless a test sets them.
    List<String> all = new ArrayList<>(List.of("train.validation-fraction=0", "train.checkpoint-every=0"));
    all.addAll(List.of(settings));
    LatentforgeConfig config = ConfigLoader.load(null, all);
    ModelSpec.Loss loss = config.model().loss() == ModelSpec.Loss.AUTO ? ModelSpec.Loss.MSE : config.model().loss();
    ConvPlan.Shape shape = image
        ? new ConvPlan.Shape(config.image().channels(), config.image().height(), config.image().width()) : null;
    Dataset<Row> rows = rows(spark, x);
    // As a nightly decides model.vae.noise-variance = auto: the rows' variance per feature.
    ModelSpec spec = Autoencoder.needsNoiseVariance(config.model(), loss) ? config.model()
        .withNoiseVariance(FeatureEncoder.meanInputBaseline(rows, x.length) / x[0].length) : config.model();
    Autoencoder.Architecture architecture = Autoencoder.build(spec, loss, x[0].length, shape, config.train());
    SparkTrainer.Paths paths = new SparkTrainer.Paths(scratch.resolve("scratch").toUri().toString(),
        scratch.resolve("checkpoints-" + java.util.UUID.randomUUID()).toUri().toString());
    SparkTrainer.Trained trained = SparkTrainer.fit(spark, rows, x[0].length, architecture,
        new Corruption(config.model().trainingCorruption()), config.train(), paths,
        LayerwisePretraining.initializer(new LayerwisePretraining.Plan(spark, rows, x[0].length, config.model(), loss,
            config.train(), paths)));
    Model.LAST.set(trained);
    return new Model(trained.network(), architecture, config);
  }

  /** Rows {@code id, features} in 2 partitions. */
  public static Dataset<Row> rows(SparkSession spark, double[][] x) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      rows.add(RowFactory.create("r" + i, Vectors.dense(x[i])));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType, false)
        .add("features", SQLDataTypes.VectorType(), false)).repartition(2);
  }

  /** {@code settings} followed by {@code more}. */
  public static String[] concat(String[] settings, String... more) {
    String[] out = java.util.Arrays.copyOf(settings, settings.length + more.length);
    System.arraycopy(more, 0, out, settings.length, more.length);
    return out;
  }
}
