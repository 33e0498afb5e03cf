package io.latentforge.encode;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vector;

/**
 * Streams a partition through batched forward passes: input rows are pulled until a batch is full,
 * then its code rows are yielded, so a partition never has to fit in memory. Subclasses decide
 * what each input row becomes (a row of the batch, or nothing, e.g. a reject written elsewhere)
 * and what a code row is (a {@code Row} for a Dataset, an {@code InternalRow} for a file).
 *
 * @param <I> input rows
 * @param <O> code rows
 */
abstract class BatchingIterator<I, O> implements Iterator<O> {

  private final Iterator<I> input;
  private final EncodeTask task;
  private final BatchForward forward;
  private final Object[] ids;
  private final Object[] labels;
  private final ArrayDeque<O> ready = new ArrayDeque<>();
  private boolean finished;

  BatchingIterator(Iterator<I> input, EncodeTask task) {
    this.input = input;
    this.task = task;
    this.forward = task.forward();
    this.ids = new Object[task.batchSize()];
    this.labels = new Object[task.batchSize()];
  }

  /** Turns one input row into a row of the batch ({@link #add}), or handles it otherwise. */
  abstract void consume(I row);

  /** The code row of row {@code i} of {@code batch}, added with {@code id} and {@code label}. */
  abstract O codeRow(Object id, Object label, BatchForward.Result batch, int i);

  /**
   * The values of a code row in the code table's order ({@link Encoder#schema}): id, code,
   * model_id, recon_error[, code_bits][, label], in whichever form the caller's rows take.
   */
  final Object[] codeValues(Object id, Object code, Object modelId, BatchForward.Result batch, int i, Object label) {
    Object[] values = new Object[4 + (task.code().binary() ? 1 : 0) + (task.label() ? 1 : 0)];
    values[0] = id;
    values[1] = code;
    values[2] = modelId;
    values[3] = batch.reconErrors()[i];
    int next = 4;
    if (task.code().binary()) {
      values[next++] = batch.packedBits(i);
    }
    if (task.label()) {
      values[next] = label;
    }
    return values;
  }

  /** Adds a row to the batch; {@code id} and {@code label} must not change after (copy reused buffers). */
  final void add(Object id, Object label, double[] features) {
    forward.add(features);
    added(id, label);
  }

  final void add(Object id, Object label, Vector features) {
    forward.add(features);
    added(id, label);
  }

  private void added(Object id, Object label) {
    int row = forward.rows() - 1;
    ids[row] = id;
    labels[row] = label;
    if (forward.isFull()) {
      flush();
    }
  }

  private void flush() {
    BatchForward.Result result = forward.run();
    for (int i = 0; i < result.rows(); i++) {
      ready.add(codeRow(ids[i], labels[i], result, i));
    }
  }

  @Override
  public final boolean hasNext() {
    while (ready.isEmpty() && !finished) {
      if (input.hasNext()) {
        consume(input.next());
      } else {
        if (!forward.isEmpty()) {
          flush();
        }
        finished = true;
      }
    }
    return !ready.isEmpty();
  }

  @Override
  public final O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }
}
