package io.latentforge.encode;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Streams a partition through batched forward passes: input rows are pulled until a batch is full,
 * then its code rows are yielded, so a partition never has to fit in memory. Subclasses decide
 * what each input row becomes: a row of the batch, or nothing (e.g. a reject, written elsewhere).
 */
abstract class BatchingIterator implements Iterator<Row> {

  private final Iterator<Row> input;
  private final BatchForward forward;
  private final EncodeTask task;
  private final String[] ids;
  private final Object[] labels;
  private final ArrayDeque<Row> ready = new ArrayDeque<>();
  private boolean finished;

  BatchingIterator(Iterator<Row> input, EncodeTask task) {
    this.input = input;
    this.forward = task.forward();
    this.task = task;
    this.ids = new String[task.batchSize()];
    this.labels = new Object[task.batchSize()];
  }

  /** Turns one input row into a row of the batch ({@link #add}), or handles it otherwise. */
  abstract void consume(Row row);

  final void add(String id, Object rowLabel, double[] features) {
    forward.add(features);
    added(id, rowLabel);
  }

  final void add(String id, Object rowLabel, Vector features) {
    forward.add(features);
    added(id, rowLabel);
  }

  /** How many columns the code table has: id, code, model_id, recon_error[, code_bits][, label]. */
  private int codeColumns() {
    return 4 + (task.code().binary() ? 1 : 0) + (task.label() ? 1 : 0);
  }

  private void added(String id, Object rowLabel) {
    int row = forward.rows() - 1;
    ids[row] = id;
    labels[row] = rowLabel;
    if (forward.isFull()) {
      flush();
    }
  }

  private void flush() {
    BatchForward.Result result = forward.run();
    for (int i = 0; i < result.rows(); i++) {
      Object[] values = new Object[codeColumns()];
      values[0] = ids[i];
      values[1] = result.code(i);
      values[2] = task.modelId();
      values[3] = result.reconErrors()[i];
      int next = 4;
      if (task.code().binary()) {
        values[next++] = result.packedBits(i);
      }
      if (task.label()) {
        values[next] = labels[i];
      }
      ready.add(RowFactory.create(values));
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
  public final Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }
}
