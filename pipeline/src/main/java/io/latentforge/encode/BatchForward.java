package io.latentforge.encode;

import io.latentforge.model.CodeLayer;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One task's forward passes. Rows are written straight into a reused heap batch; a full batch goes
 * to native memory in one bulk copy, through the network once, and its codes and reconstructions
 * come back in one bulk copy each. Not thread-safe: one per task.
 */
final class BatchForward {

  private final MultiLayerNetwork network;
  private final CodeLayer code;
  private final int inputSize;
  private final float[] batch;
  /** The reconstructions of the last batch, copied out of native memory into one reused array. */
  private final float[] reconstruction;
  private final int capacity;
  private int rows;

  /** The codes (row-major, {@code codeSize} per row) and squared reconstruction errors of one batch. */
  record Result(int rows, int codeSize, float[] codes, float[] reconErrors) {

    float[] code(int row) {
      return Arrays.copyOfRange(codes, row * codeSize, (row + 1) * codeSize);
    }

    byte[] packedBits(int row) {
      return CodeLayer.packBits(codes, row * codeSize, codeSize);
    }
  }

  BatchForward(MultiLayerNetwork network, CodeLayer code, int inputSize, int capacity) {
    this.network = network;
    this.code = code;
    this.inputSize = inputSize;
    this.capacity = capacity;
    this.batch = new float[capacity * inputSize];
    this.reconstruction = new float[capacity * inputSize];
  }

  boolean isFull() {
    return rows == capacity;
  }

  boolean isEmpty() {
    return rows == 0;
  }

  int rows() {
    return rows;
  }

  /** Appends a dense row (as floats, the network's type). */
  void add(double[] x) {
    requireSize(x.length);
    int offset = rows++ * inputSize;
    for (int i = 0; i < inputSize; i++) {
      batch[offset + i] = (float) x[i];
    }
  }

  void add(Vector v) {
    if (!(v instanceof SparseVector sparse)) {
      add(v.toArray());
      return;
    }
    requireSize(sparse.size());
    int offset = rows++ * inputSize;
    Arrays.fill(batch, offset, offset + inputSize, 0f);
    int[] indices = sparse.indices();
    double[] values = sparse.values();
    for (int k = 0; k < indices.length; k++) {
      batch[offset + indices[k]] = (float) values[k];
    }
  }

  private void requireSize(int size) {
    if (size != inputSize) {
      throw new IllegalStateException("feature vector of size " + size + ", expected " + inputSize);
    }
  }

  /** The rows added since the last call as a matrix, which starts the next batch. */
  INDArray takeBatch() {
    int n = rows;
    rows = 0;
    return Features.matrix(batch, n, inputSize);
  }

  /** Encodes the rows added since the last call, which starts the next batch. */
  Result run() {
    int n = rows;
    List<INDArray> activations = network.feedForward(takeBatch(), false);
    // activations.get(0) is the input itself.
    INDArray codeActivations = activations.get(code.index() + 1);
    int codeSize = (int) codeActivations.columns();
    float[] codes = copy(codeActivations, new float[n * codeSize], n * codeSize);
    copy(activations.get(activations.size() - 1), reconstruction, n * inputSize);
    float[] errors = new float[n];
    for (int r = 0; r < n; r++) {
      double sum = 0;
      for (int i = r * inputSize; i < (r + 1) * inputSize; i++) {
        float d = reconstruction[i] - batch[i];
        sum += d * d;
      }
      errors[r] = (float) sum;
    }
    return new Result(n, codeSize, codes, errors);
  }

  /** A bulk copy through a native buffer view: several times faster than DataBuffer.asFloat(). */
  private static float[] copy(INDArray a, float[] out, int length) {
    INDArray typed = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    INDArray dense = typed.ordering() == 'c' && !typed.isView() ? typed : typed.dup('c');
    dense.data().asNioFloat().get(out, 0, length);
    return out;
  }
}
