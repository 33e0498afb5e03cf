package io.latentforge.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Implementation side of a feed-forward layer without parameters that draws noise while training. */
abstract class StatelessLayer<T extends StatelessLayerConf> extends AbstractLayer<T> {

  StatelessLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /**
   * Standard normal noise outside DL4J's workspaces: it has to live from the forward pass to the
   * backward pass, which run in different workspace scopes.
   */
  INDArray standardNormal(long rows, long columns) {
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return Nd4j.randn(input.dataType(), rows, columns);
    }
  }

  @Override
  public Type type() {
    return Type.FEED_FORWARD;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public void clearNoiseWeightParams() {}

  @Override
  public INDArray params() {
    return null;
  }
}
