package io.latentforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.ModelSpec;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import io.latentforge.train.Corruption;
import java.nio.file.Path;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What each autoencoder type must do, trained through the Spark path on small generated data. */
@ExtendWith(SparkSessionExtension.class)
class AutoencoderFamilyTest {

  @TempDir
  Path tmp;

  @Test
  void aLinearAutoencoderReachesPcaWithTheSameNumberOfComponents(SparkSession spark) {
    double[][] x = lowRankPlusNoise(2000, 16, new double[] {3, 2.5, 2, 1.5}, 0.5, 1);
    double pca = pcaReconError(spark, x, 4);
    Training.Model linear = Training.train(spark, x, false, tmp, "model.type=shallow", "model.activation=identity",
        // 0.002 was enough while parameter averaging dropped Adam's moments every round (its restarted steps
        // were about 3x the rate); with Adam carried, 40 epochs need 0.01 (3.02 against PCA's 2.96 here).
        "model.code-size=4", "model.loss=mse", "train.epochs=40", "train.learning-rate=0.01");
    double error = linear.reconError(x, x);
    System.out.printf("linear autoencoder %.4f, PCA %.4f (k=4)%n", error, pca);
    assertThat(error).as("linear AE %.3f vs PCA %.3f", error, pca).isLessThan(1.10 * pca);
  }

  @Test
  void aDeepAutoencoderBeatsPcaOnACurvedManifold(SparkSession spark) {
    double[][] x = curve(2000, 8, 2);
    double pca = pcaReconError(spark, x, 1);
    Training.Model deep = Training.train(spark, x, false, tmp, "model.type=deep", "model.encoder-layers=[32, 16]",
        "model.activation=tanh", "model.code-size=1", "model.loss=mse", "train.epochs=30", "train.learning-rate=0.01");
    double error = deep.reconError(x, x);
    System.out.printf("deep autoencoder %.4f, PCA %.4f (k=1)%n", error, pca);
    assertThat(error).as("deep AE %.4f vs PCA %.4f", error, pca).isLessThan(0.5 * pca);
  }

  @Test
  void aDenoisingAutoencoderUndoesCorruptionBetterThanAPlainOneOfTheSameShape(SparkSession spark) {
    double[][] clean = bars(1500, 12, 3);
    String[] shape = {"model.encoder-layers=[64]", "model.code-size=48", "model.loss=xent", "train.epochs=30", "train.learning-rate=0.001"};
    Training.Model plain = Training.train(spark, clean, false, tmp, Training.concat(shape, "model.type=deep"));
    Training.Model denoising = Training.train(spark, clean, false, tmp, Training.concat(shape, "model.type=denoising",
        "model.corruption.type=masking", "model.corruption.level=0.3"));

    double[][] test = bars(300, 12, 4);
    double[][] corrupted = corrupt(test, new ModelSpec.Corruption(ModelSpec.CorruptionType.MASKING, 0.3));
    double plainError = plain.reconError(corrupted, test);
    double denoisingError = denoising.reconError(corrupted, test);
    System.out.printf("on masked inputs: denoising %.4f, plain %.4f%n", denoisingError, plainError);
    assertThat(denoisingError).as("denoising %.2f vs plain %.2f", denoisingError, plainError)
        .isLessThan(0.9 * plainError);
  }

  @Test
  void binaryCodesEndNearZeroOrOne(SparkSession spark) {
    double[][] x = bars(1500, 12, 5);
    Training.Model model = Training.train(spark, x, false, tmp, "model.type=deep", "model.encoder-layers=[64]",
        "model.code-size=16", "model.binary-codes=true", "model.loss=xent", "train.epochs=20");
    float[] codes = model.codes(x).dup('c').data().asFloat();
    long saturated = 0;
    for (float c : codes) {
      if (c < 0.1f || c > 0.9f) {
        saturated++;
      }
    }
    System.out.printf("binary codes: %.3f of values below 0.1 or above 0.9%n", (double) saturated / codes.length);
    assertThat((double) saturated / codes.length).as("share of code values below 0.1 or above 0.9")
        .isGreaterThan(0.8);
  }

  @Test
  void aVariationalAutoencoderReconstructsAndItsCodeIsTheDeterministicMean(SparkSession spark) {
    double[][] x = bars(1500, 12, 6);
    Training.Model vae = Training.train(spark, x, false, tmp, "model.type=vae", "model.encoder-layers=[64]",
        "model.code-size=8", "model.loss=xent", "train.epochs=15");
    // Bit-exact: the same batch twice; a sampled code would differ in every value.
    assertThat(vae.codes(x)).isEqualTo(vae.codes(x));
    System.out.printf("vae %.4f, mean baseline %.4f%n", vae.reconError(x, x), meanBaseline(x));
    assertThat(vae.reconError(x, x)).isLessThan(0.75 * meanBaseline(x));
  }

  // ---- data and baselines ----

  /** Points with the given standard deviations along random orthonormal directions, plus isotropic noise. */
  static double[][] lowRankPlusNoise(int n, int d, double[] sd, double noise, long seed) {
    Random r = new Random(seed);
    INDArray q = Nd4j.rand(DataType.DOUBLE, d, d);
    INDArray basis = org.nd4j.linalg.inverse.InvertMatrix.invert(q, false); // any full-rank basis ...
    double[][] directions = orthonormal(basis.toDoubleMatrix(), sd.length);
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = 1.0 + noise * r.nextGaussian();
      }
      for (int c = 0; c < sd.length; c++) {
        double z = sd[c] * r.nextGaussian();
        for (int j = 0; j < d; j++) {
          x[i][j] += z * directions[c][j];
        }
      }
    }
    return x;
  }

  /** ... made orthonormal by Gram-Schmidt. */
  private static double[][] orthonormal(double[][] rows, int count) {
    double[][] out = new double[count][];
    for (int c = 0; c < count; c++) {
      double[] v = rows[c].clone();
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int j = 0; j < v.length; j++) {
          dot += v[j] * out[p][j];
        }
        for (int j = 0; j < v.length; j++) {
          v[j] -= dot * out[p][j];
        }
      }
      double norm = 0;
      for (double e : v) {
        norm += e * e;
      }
      for (int j = 0; j < v.length; j++) {
        v[j] /= Math.sqrt(norm);
      }
      out[c] = v;
    }
    return out;
  }

  /** A one-dimensional curve (t, t^2, t^3, sin 3t, ...) in d dimensions: no line fits it. */
  static double[][] curve(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      double t = 2 * r.nextDouble() - 1;
      for (int j = 0; j < d; j++) {
        double v = switch (j % 4) {
          case 0 -> t;
          case 1 -> t * t;
          case 2 -> t * t * t;
          default -> Math.sin(3 * t);
        };
        x[i][j] = v * (1 + j / 4) + 0.01 * r.nextGaussian();
      }
    }
    return x;
  }

  /** size x size binary images of 1 to 3 random horizontal or vertical bars. */
  static double[][] bars(int n, int size, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][size * size];
    for (int i = 0; i < n; i++) {
      int count = 1 + r.nextInt(3);
      for (int b = 0; b < count; b++) {
        int at = r.nextInt(size);
        boolean horizontal = r.nextBoolean();
        for (int k = 0; k < size; k++) {
          x[i][horizontal ? at * size + k : k * size + at] = 1;
        }
      }
    }
    return x;
  }

  static double[][] corrupt(double[][] x, ModelSpec.Corruption spec) {
    Corruption corruption = new Corruption(spec);
    INDArray corrupted = corruption.corrupt(Nd4j.create(x).castTo(DataType.FLOAT), new SplittableRandom(99));
    return corrupted.castTo(DataType.DOUBLE).toDoubleMatrix();
  }

  static double meanBaseline(double[][] x) {
    int d = x[0].length;
    double[] mean = columnMeans(x);
    double sum = 0;
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        sum += (row[j] - mean[j]) * (row[j] - mean[j]);
      }
    }
    return sum / x.length;
  }

  /** Mean summed squared error of reconstructing from the top k principal components (MLlib's PCA). */
  static double pcaReconError(SparkSession spark, double[][] x, int k) {
    DenseMatrix pc = new PCA().setK(k).setInputCol("features").fit(Training.rows(spark, x)).pc();
    int d = x[0].length;
    double[] mean = columnMeans(x);
    double sum = 0;
    for (double[] row : x) {
      double[] centred = new double[d];
      for (int j = 0; j < d; j++) {
        centred[j] = row[j] - mean[j];
      }
      double[] back = new double[d];
      for (int c = 0; c < k; c++) {
        double proj = 0;
        for (int j = 0; j < d; j++) {
          proj += centred[j] * pc.apply(j, c);
        }
        for (int j = 0; j < d; j++) {
          back[j] += proj * pc.apply(j, c);
        }
      }
      for (int j = 0; j < d; j++) {
        sum += (centred[j] - back[j]) * (centred[j] - back[j]);
      }
    }
    return sum / x.length;
  }

  private static double[] columnMeans(double[][] x) {
    double[] mean = new double[x[0].length];
    for (double[] row : x) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += row[j] / x.length;
      }
    }
    return mean;
  }
}
