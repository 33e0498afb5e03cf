package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.encode.Features;
import io.latentforge.model.Autoencoder;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * With one worker averaging after every minibatch, Spark training is plain minibatch training: the
 * parameters match single-JVM DL4J on the same data and seed. As in DL4J's own test of this, each
 * fit is one minibatch (here: the whole corpus, once per epoch), because DL4J assigns minibatches to
 * averaging rounds in a random order of its own. Plain SGD here; ConvergenceTest does the same with
 * Adam, whose state must then travel with the parameters.
 */
@ExtendWith(SparkSessionExtension.class)
class SparkVersusSingleJvmTest {

  private static final int ROWS = 160;
  private static final int EPOCHS = 6;

  @TempDir
  Path dir;

  @Test
  void oneWorkerAveragingEveryMinibatchGivesTheSingleJvmParameters(SparkSession spark) {
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.encoder-layers=[16]", "model.code-size=4",
        "train.workers=1", "train.averaging-frequency=1", "train.prefetch=0", "train.repartition=never",
        "train.approach=direct", "train.validation-fraction=0", "train.checkpoint-every=0", "train.epochs=" + EPOCHS,
        "train.batch-size-per-worker=" + ROWS, "train.updater=sgd", "train.learning-rate=0.1"));
    Random random = new Random(3);
    double[][] x = new double[ROWS][20];
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextDouble();
      }
    }
    Dataset<Row> rows = Training.rows(spark, x).coalesce(1);
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, 20, null,
        config.train());
    MultiLayerConfiguration conf = architecture.configuration();

    MultiLayerNetwork spark1 = SparkTrainer.fit(spark, rows, 20, architecture,
        new Corruption(new ModelSpec.Corruption(ModelSpec.CorruptionType.NONE, 0)), config.train(),
        new SparkTrainer.Paths(dir.resolve("scratch").toUri().toString(), dir.resolve("cp").toUri().toString()))
        .network();

    MultiLayerNetwork single = new MultiLayerNetwork(conf.clone());
    single.init();
    List<Vector> ordered = rows.select("features").collectAsList().stream().map(r -> (Vector) r.get(0)).toList();
    INDArray all = Features.toMatrix(new ArrayList<>(ordered), 20);
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      single.fit(new DataSet(all, all));
    }
    double maxDiff = spark1.params().sub(single.params()).amaxNumber().doubleValue();
    System.out.printf("max |spark - single| over %d parameters: %.3g%n", single.numParams(), maxDiff);
    assertThat(maxDiff).isLessThan(1e-5);
    assertThat(single.params().sub(conf2Init(conf)).amaxNumber().doubleValue()).as("training moved the parameters")
        .isGreaterThan(1e-3);
  }

  private static INDArray conf2Init(MultiLayerConfiguration conf) {
    MultiLayerNetwork fresh = new MultiLayerNetwork(conf.clone());
    fresh.init();
    return fresh.params();
  }
}
