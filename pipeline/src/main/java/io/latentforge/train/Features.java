package io.latentforge.train;

import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/** Conversions between Spark ML vectors and the dense matrices DL4J consumes. */
public final class Features {

  private Features() {}

  /** One row per vector; fails on a vector of the wrong size rather than training on garbage. */
  public static float[][] toMatrix(List<Vector> vectors, int inputSize) {
    float[][] m = new float[vectors.size()][inputSize];
    for (int r = 0; r < vectors.size(); r++) {
      Vector v = vectors.get(r);
      if (v.size() != inputSize) {
        throw new IllegalStateException("feature vector of size " + v.size() + ", expected " + inputSize);
      }
      if (v instanceof SparseVector sv) {
        int[] indices = sv.indices();
        double[] values = sv.values();
        for (int k = 0; k < indices.length; k++) {
          m[r][indices[k]] = (float) values[k];
        }
      } else {
        double[] values = v.toArray();
        for (int i = 0; i < inputSize; i++) {
          m[r][i] = (float) values[i];
        }
      }
    }
    return m;
  }
}
