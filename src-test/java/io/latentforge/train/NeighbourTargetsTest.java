package io.latentforge.train;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.model.Autoencoder;
import io.latentforge.config.ModelSpec;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code train.target-neighbours}: every row's target is the row blended with the mean of its
 * nearest training rows, and a network trained on those targets reconstructs neighbourhoods.
 */
@ExtendWith(SparkSessionExtension.class)
class NeighbourTargetsTest {

  @Test
  void eachTargetBlendsTheRowWithItsNearestTrainingRowsByCosine(SparkSession spark) {
    int features = 8;
    double[][] x = new double[300][features];
    Random random = new Random(5);
    for (double[] row : x) {
      for (int j = 0; j < features; j++) {
        row[j] = random.nextGaussian();
      }
    }
    LatentforgeConfig config = config("train.validation-fraction=0.2", "train.target-weight=0.25");
    Dataset<Row> rows = Training.rows(spark, x);
    Set<String> held = ids(rows.where(HeldOutSplit.isValidation(config.train())));
    assertThat(held).hasSizeBetween(30, 90);
    int[] training = IntStream.range(0, x.length).filter(i -> !held.contains("r" + i)).toArray();
    // PCA keeping every dimension is a rotation: cosines between its centred coordinates are those
    // between the centred rows, which this test computes directly.
    TrainingPca pca = new TrainingPca(spark, rows, features, config.train());
    Dataset<Row> targeted = NeighbourTargets.attach(pca, features, 3, x.length);
    assertTargets(x, targeted, training, training);
    targeted.unpersist();

    // Beyond the candidates' limit neighbours come from a sample of the training rows, the same
    // sample every time, centred on the sample's mean.
    Dataset<Row> trainingRows = HeldOutSplit.training(rows, config.train());
    Set<String> sample = ids(NeighbourTargets.candidates(trainingRows, training.length, 100, config.train()));
    assertThat(sample.size()).isBetween(60, 140);
    int[] pool = Arrays.stream(training).filter(i -> sample.contains("r" + i)).toArray();
    Dataset<Row> sampled = NeighbourTargets.build(pca, features, 3, training.length, 100);
    assertTargets(x, sampled, training, pool);
    sampled.unpersist();
  }

  /** Each target is 0.75 of the row and 0.25 of the mean of its 3 nearest rows of {@code pool}. */
  private static void assertTargets(double[][] x, Dataset<Row> targeted, int[] training, int[] pool) {
    int features = x[0].length;
    double[] mean = new double[features];
    for (int i : pool) {
      for (int j = 0; j < features; j++) {
        mean[j] += x[i][j] / pool.length;
      }
    }
    Map<String, Vector> targets = new HashMap<>();
    for (Row r : targeted.select(Columns.ID, NeighbourTargets.TARGET).collectAsList()) {
      targets.put(r.getString(0), (Vector) r.get(1));
    }
    assertThat(targets).hasSize(x.length);
    for (int i = 0; i < x.length; i++) {
      int self = i;
      int[] nearest = Arrays.stream(pool).filter(t -> t != self).boxed()
          .sorted((a, b) -> Double.compare(cosine(x[b], x[self], mean), cosine(x[a], x[self], mean)))
          .limit(3).mapToInt(Integer::intValue).toArray();
      double[] got = targets.get("r" + i).toArray();
      for (int j = 0; j < features; j++) {
        double neighbours = 0;
        for (int t : nearest) {
          neighbours += x[t][j] / 3;
        }
        assertThat(got[j]).as("row %d, feature %d", i, j).isCloseTo(0.75 * x[i][j] + 0.25 * neighbours, within(1e-4));
      }
    }
  }

  @Test
  void blendingSparseVectorsKeepsThemSparse() {
    Vector a = Vectors.sparse(6, new int[] {0, 3}, new double[] {1, 2});
    Vector b = Vectors.sparse(6, new int[] {3, 5}, new double[] {4, 8});
    Vector blended = NeighbourTargets.blend(a, 0.5, b, 0.25);
    assertThat(blended.toArray()).containsExactly(0.5, 0, 0, 2, 0, 2);
    assertThat(blended.numActives()).isEqualTo(3);
  }

  @Test
  void aNetworkTrainedOnNeighbourTargetsReconstructsTheNeighbourhood(SparkSession spark, @TempDir Path scratch) {
    // Four clusters in 20 features, each row its cluster's centre plus noise as large as the
    // centres' spread. A 12-float code has room for most of a row's noise, so reconstructing the row
    // keeps it; reconstructing its neighbourhood averages it away.
    int features = 20;
    Random random = new Random(8);
    double[][] centres = new double[4][features];
    for (double[] c : centres) {
      for (int j = 0; j < features; j++) {
        c[j] = random.nextGaussian();
      }
    }
    double[][] x = new double[1200][features];
    int[] cluster = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      cluster[i] = i % 4;
      for (int j = 0; j < features; j++) {
        x[i][j] = centres[cluster[i]][j] + 0.8 * random.nextGaussian();
      }
    }
    double self = distanceToCentres(trained(spark, x, scratch, "train.target-neighbours=0"), x, centres, cluster);
    double neighbours = distanceToCentres(trained(spark, x, scratch, "train.target-neighbours=20",
        "train.target-weight=1"), x, centres, cluster);
    double input = 0;
    for (int i = 0; i < x.length; i++) {
      input += distance(x[i], centres[cluster[i]]) / x.length;
    }
    System.out.printf("squared distance to the row's cluster centre: input %.3f, reconstructing rows %.3f, "
        + "reconstructing neighbourhoods %.3f%n", input, self, neighbours);
    assertThat(neighbours).isLessThan(0.5 * self);
  }

  private static MultiLayerNetwork trained(SparkSession spark, double[][] x, Path scratch, String... target) {
    LatentforgeConfig config = config(Training.concat(new String[] {"model.type=deep", "model.encoder-layers=[32]",
        "model.code-size=12", "model.activation=tanh", "train.epochs=12", "train.learning-rate=0.003",
        "train.validation-fraction=0.1", "train.patience=0"}, target));
    Dataset<Row> rows = Training.rows(spark, x);
    int neighbours = config.train().target().neighboursFor(CorpusKind.IMAGE);
    Dataset<Row> trainOn = neighbours == 0 ? rows
        : NeighbourTargets.attach(new TrainingPca(spark, rows, config.model().codeSize(), config.train()),
            config.model().codeSize(), neighbours, x.length);
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, x[0].length, null,
        config.train());
    SparkTrainer.Paths paths = new SparkTrainer.Paths(scratch.resolve("scratch").toUri().toString(),
        scratch.resolve("checkpoints-" + java.util.UUID.randomUUID()).toUri().toString());
    return SparkTrainer.fit(spark, trainOn, x[0].length, architecture, new Corruption(config.model().trainingCorruption()),
        config.train(), paths).network();
  }

  /** Mean squared distance from each row's reconstruction to its cluster's centre. */
  private static double distanceToCentres(MultiLayerNetwork network, double[][] x, double[][] centres, int[] cluster) {
    double[][] out = network.output(Nd4j.create(x).castTo(DataType.FLOAT), false).castTo(DataType.DOUBLE).toDoubleMatrix();
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += distance(out[i], centres[cluster[i]]);
    }
    return sum / x.length;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (a[j] - b[j]) * (a[j] - b[j]);
    }
    return s;
  }

  private static double cosine(double[] a, double[] b, double[] mean) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int j = 0; j < a.length; j++) {
      double u = a[j] - mean[j];
      double v = b[j] - mean[j];
      dot += u * v;
      na += u * u;
      nb += v * v;
    }
    return dot / Math.sqrt(na * nb);
  }

  private static Set<String> ids(Dataset<Row> rows) {
    return rows.select(col(Columns.ID)).collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  private static LatentforgeConfig config(String... settings) {
    return ConfigLoader.load(null, List.of(settings));
  }
}
