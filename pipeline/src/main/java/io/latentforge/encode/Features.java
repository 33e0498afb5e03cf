package io.latentforge.encode;

import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversions between Spark ML vectors and the dense matrices DL4J consumes. */
public final class Features {

  private Features() {}

  /**
   * One row per vector, as a float matrix built from one flat array (a single copy into native
   * memory); fails on a vector of the wrong size rather than training on garbage.
   */
  public static INDArray toMatrix(List<Vector> vectors, int inputSize) {
    float[] flat = new float[vectors.size() * inputSize];
    for (int r = 0; r < vectors.size(); r++) {
      Vector v = vectors.get(r);
      if (v.size() != inputSize) {
        throw new IllegalStateException("feature vector of size " + v.size() + ", expected " + inputSize);
      }
      int offset = r * inputSize;
      if (v instanceof SparseVector sv) {
        int[] indices = sv.indices();
        double[] values = sv.values();
        for (int k = 0; k < indices.length; k++) {
          flat[offset + indices[k]] = (float) values[k];
        }
      } else {
        double[] values = v.toArray();
        for (int i = 0; i < inputSize; i++) {
          flat[offset + i] = (float) values[i];
        }
      }
    }
    return matrix(flat, vectors.size(), inputSize);
  }

  /**
   * The first {@code rows} rows of a row-major heap array as a float matrix, in one bulk copy into
   * native memory (Nd4j.create(float[]) copies element by element).
   */
  public static INDArray matrix(float[] flat, int rows, int columns) {
    int length = rows * columns;
    FloatPointer pointer = new FloatPointer(length).put(flat, 0, length);
    DataBuffer buffer = Nd4j.createBuffer(pointer, DataType.FLOAT, length, FloatIndexer.create(pointer));
    return Nd4j.create(buffer, new long[] {rows, columns}, new long[] {columns, 1}, 0, 'c');
  }
}
