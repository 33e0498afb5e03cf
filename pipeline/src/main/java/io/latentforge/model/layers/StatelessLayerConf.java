package io.latentforge.model.layers;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration side of a feed-forward layer without parameters. DL4J serializes layer
 * configurations as JSON by field (model files, Spark workers), so subclasses keep their settings in
 * plain fields and need a no-argument constructor.
 */
abstract class StatelessLayerConf extends NoParamLayer {

  /** The implementation instance for one network. */
  abstract Layer create(NeuralNetConfiguration conf, DataType dataType);

  /** Activations out per activation in. */
  abstract long outputSize(long inputSize);

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
      INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    Layer layer = create(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    return layer;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeFeedForward ff)) {
      throw new IllegalStateException(getClass().getSimpleName() + " (layer " + layerIndex
          + ") needs feed-forward input, got " + inputType);
    }
    return InputType.feedForward(outputSize(ff.getSize()));
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    // Placed after dense layers only: no reshaping needed.
    if (!(inputType instanceof InputType.InputTypeFeedForward)) {
      throw new IllegalStateException(getClass().getSimpleName() + " needs feed-forward input, got " + inputType);
    }
    return null;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(-1, inputType))
        .standardMemory(0, 0).workingMemory(0, 0, 0, 0)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
  }
}
