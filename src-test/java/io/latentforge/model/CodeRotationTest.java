package io.latentforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Procrustes finds the rotation between two code spaces; folding it in rotates codes, not outputs. */
class CodeRotationTest {

  private static double[][] randomOrthogonal(int k, Random random) {
    double[][] m = new double[k][k];
    for (double[] row : m) {
      for (int j = 0; j < k; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return new QRDecomposition(new Array2DRowRealMatrix(m)).getQ().getData();
  }

  @Test
  void procrustesRecoversTheRotationBetweenTwoShiftedCodeSpaces() {
    Random random = new Random(5);
    int n = 300;
    int k = 8;
    double[][] a = new double[n][k];
    for (double[] row : a) {
      for (int j = 0; j < k; j++) {
        row[j] = random.nextGaussian() * (j + 1);
      }
    }
    double[][] q = randomOrthogonal(k, random);
    // b = a Q + a shift: yesterday's space, rotated and not centred on the same rows.
    double[][] b = new Array2DRowRealMatrix(a).multiply(new Array2DRowRealMatrix(q)).getData();
    for (double[] row : b) {
      for (int j = 0; j < k; j++) {
        row[j] += 0.5;
      }
    }

    double[][] r = CodeRotation.procrustes(a, b);

    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        assertThat(r[i][j]).as("R[%d][%d]", i, j).isCloseTo(q[i][j], org.assertj.core.api.Assertions.within(1e-9));
      }
    }
  }

  @Test
  void aFoldedRotationRotatesTheCodesAndLeavesTheReconstructionsAlone() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
        .list()
        .layer(new DenseLayer.Builder().nIn(10).nOut(6).activation(Activation.TANH).build())
        .layer(new DenseLayer.Builder().nIn(6).nOut(4).activation(Activation.IDENTITY).build())
        .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(10).activation(Activation.IDENTITY)
            .build())
        .build());
    net.init();
    CodeLayer code = new CodeLayer(1, false);
    INDArray x = Nd4j.rand(DataType.DOUBLE, 20, 10);
    INDArray codes = net.feedForwardToLayer(code.index(), x, false).get(code.index() + 1);
    INDArray output = net.output(x, false);
    double[][] r = randomOrthogonal(4, new Random(9));

    CodeRotation.rotate(net, code, r);

    INDArray rotated = net.feedForwardToLayer(code.index(), x, false).get(code.index() + 1);
    assertThat(rotated.equalsWithEps(codes.mmul(Nd4j.create(r)), 1e-9)).isTrue();
    assertThat(net.output(x, false).equalsWithEps(output, 1e-9)).isTrue();
    // Distances between codes are unchanged.
    assertThat(rotated.getRow(0).distance2(rotated.getRow(1))).isCloseTo(codes.getRow(0).distance2(codes.getRow(1)),
        org.assertj.core.api.Assertions.within(1e-9));
  }
}
