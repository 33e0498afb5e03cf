package io.latentforge.encode;

import io.latentforge.model.CodeLayer;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * What every encoding task gets: the broadcast model and how its output rows are laid out.
 *
 * @param label whether the rows carry a label through to the code table
 */
record EncodeTask(Broadcast<byte[]> model, String modelId, CodeLayer code, int inputSize, boolean label,
    int batchSize) implements Serializable {

  /** Batches for this task, through its thread's copy of the model. */
  BatchForward forward() {
    return new BatchForward(Encoder.network(modelId, model), code, inputSize, batchSize);
  }

}
