package io.latentforge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.encode.CodeMean;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@ExtendWith(SparkSessionExtension.class)
class CodeCenteringTest {

  @TempDir
  Path tmp;

  @Test
  void codesLoseTheirMeanAndReconstructionsStayTheSame(SparkSession spark) {
    Random random = new Random(3);
    double[][] x = new double[300][12];
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = 2 + random.nextGaussian();
      }
    }
    Training.Model model = Training.train(spark, x, false, tmp, "model.type=deep", "model.encoder-layers=[16]",
        "model.code-size=4", "model.loss=mse", "train.epochs=2");
    CodeLayer code = model.architecture().code();
    INDArray codesBefore = model.codes(x).castTo(DataType.DOUBLE);
    INDArray reconBefore = model.network().output(Nd4j.create(x).castTo(DataType.FLOAT), false).castTo(DataType.DOUBLE);

    double[] mean = CodeMean.of(spark, Training.rows(spark, x), model.network(), "centring-test", code, 12, 64);
    double[] expected = codesBefore.mean(0).toDoubleVector();
    assertThat(mean).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(mean[i]).isCloseTo(expected[i], within(1e-4));
    }
    assertThat(Math.abs(expected[0]) + Math.abs(expected[1]) + Math.abs(expected[2]) + Math.abs(expected[3]))
        .as("the untrained-for mean is not already zero").isGreaterThan(0.05);

    CodeCentering.centre(model.network(), code, mean);
    INDArray codesAfter = model.codes(x).castTo(DataType.DOUBLE);
    INDArray reconAfter = model.network().output(Nd4j.create(x).castTo(DataType.FLOAT), false).castTo(DataType.DOUBLE);
    assertThat(codesAfter.mean(0).norm2Number().doubleValue()).isLessThan(1e-4);
    assertThat(codesBefore.sub(codesAfter).sub(Nd4j.create(mean).reshape(1, 4)).amaxNumber().doubleValue())
        .isLessThan(1e-4);
    assertThat(reconAfter.sub(reconBefore).amaxNumber().doubleValue()).isLessThan(1e-4);
    assertThat(CodeMean.of(spark, Training.rows(spark, x).limit(0), model.network(), "centring-empty", code, 12, 64))
        .isNull();
  }

  @Test
  void onlyLinearRealValuedCodesAreCentred() {
    assertThat(CodeCentering.applies(ConfigLoader.load(null, List.of()).model())).isTrue();
    assertThat(CodeCentering.applies(ConfigLoader.load(null, List.of("model.type=conv")).model())).isTrue();
    assertThat(CodeCentering.applies(ConfigLoader.load(null, List.of("model.binary-codes=true")).model())).isFalse();
    assertThat(CodeCentering.applies(ConfigLoader.load(null, List.of("model.type=vae")).model())).isFalse();
    assertThat(CodeCentering.applies(ConfigLoader.load(null, List.of("model.code-activation=sigmoid")).model()))
        .isFalse();
  }
}
