package io.latentforge.encode;

import io.latentforge.model.CodeLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained network as encoding uses it: its id (which names the code rows and keys the executors'
 * model cache), where its code is, and the rows per forward pass.
 */
public record ModelToEncode(MultiLayerNetwork network, String modelId, CodeLayer code, int batchSize) {}
