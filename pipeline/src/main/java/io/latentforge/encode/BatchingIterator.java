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
 * what each input row becomes: a row of the batch, or an output row of its own (e.g. a reject).
 */
abstract class BatchingIterator implements Iterator<Row> {

  private final Iterator<Row> input;
  private final BatchForward forward;
  private final String modelId;
  private final boolean binary;
  private final boolean label;
  /** Columns after the code table's own, left null in code rows. */
  private final int trailing;
  private final String[] ids;
  private final Object[] labels;
  private final ArrayDeque<Row> ready = new ArrayDeque<>();
  private boolean finished;

  BatchingIterator(Iterator<Row> input, BatchForward forward, String modelId, boolean binary, boolean label,
      int trailing, int batchSize) {
    this.input = input;
    this.forward = forward;
    this.modelId = modelId;
    this.binary = binary;
    this.label = label;
    this.trailing = trailing;
    this.ids = new String[batchSize];
    this.labels = new Object[batchSize];
  }

  /** Turns one input row into a row of the batch ({@link #add}) or an output row ({@link #emit}). */
  abstract void consume(Row row);

  /** Rows to yield after the partition's last batch. */
  void finish() {}

  final void add(String id, Object rowLabel, double[] features) {
    forward.add(features);
    added(id, rowLabel);
  }

  final void add(String id, Object rowLabel, Vector features) {
    forward.add(features);
    added(id, rowLabel);
  }

  final void emit(Row row) {
    ready.add(row);
  }

  /** How many columns the code table has: id, code, model_id, recon_error[, code_bits][, label]. */
  final int codeColumns() {
    return 4 + (binary ? 1 : 0) + (label ? 1 : 0);
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
      Object[] values = new Object[codeColumns() + trailing];
      values[0] = ids[i];
      values[1] = result.code(i);
      values[2] = modelId;
      values[3] = result.reconErrors()[i];
      int next = 4;
      if (binary) {
        values[next++] = result.packedBits(i);
      }
      if (label) {
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
        finish();
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
