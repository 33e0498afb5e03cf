package io.latentforge.model;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a code space onto another with an orthogonal rotation (Procrustes): tonight's codes are
 * rotated onto yesterday's, so codes of an unchanged row stay close from one night to the next.
 * A rotation about the origin changes no distance and no angle, so neighbour lists and clusters
 * are the same with it or without. It is folded into the network (the code layer's weights and
 * bias, and the inverse into the next layer's weights), so every code the model writes, by
 * nightly or by {@code encode}, is in the rotated space and the reconstructions do not change.
 */
public final class CodeRotation {

  private CodeRotation() {}

  /**
   * The orthogonal {@code R} minimizing {@code ||(A - mean A) R - (B - mean B)||}: the rotation
   * taking the centred rows of {@code a} closest to the centred rows of {@code b} (the same ids,
   * tonight's and yesterday's codes). {@code R = U V^T} from the SVD of {@code A^T B}.
   */
  public static double[][] procrustes(double[][] a, double[][] b) {
    RealMatrix cross = centred(a).transpose().multiply(centred(b));
    SingularValueDecomposition svd = new SingularValueDecomposition(cross);
    return svd.getU().multiply(svd.getVT()).getData();
  }

  private static RealMatrix centred(double[][] rows) {
    int n = rows.length;
    int k = rows[0].length;
    double[] mean = new double[k];
    for (double[] row : rows) {
      for (int j = 0; j < k; j++) {
        mean[j] += row[j] / n;
      }
    }
    double[][] out = new double[n][k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        out[i][j] = rows[i][j] - mean[j];
      }
    }
    return new Array2DRowRealMatrix(out, false);
  }

  /**
   * Rotates every code {@code network} computes by {@code rotation} ({@code code R}), in place: the
   * code layer's weights and bias are multiplied by {@code R}, the next layer's weights by
   * {@code R^T}, which undoes it for the decoder.
   */
  public static void rotate(MultiLayerNetwork network, CodeLayer code, double[][] rotation) {
    Layer codeLayer = network.getLayer(code.index());
    Layer next = network.getLayer(code.index() + 1);
    INDArray w = codeLayer.getParam("W");
    INDArray r = Nd4j.create(rotation).castTo(w.dataType());
    codeLayer.setParam("W", w.mmul(r));
    INDArray b = codeLayer.getParam("b");
    codeLayer.setParam("b", b.reshape(1, b.length()).mmul(r).reshape(b.shape()));
    next.setParam("W", r.transpose().mmul(next.getParam("W")));
  }
}
