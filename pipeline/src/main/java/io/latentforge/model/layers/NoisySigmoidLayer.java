package io.latentforge.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** See {@link NoisySigmoid}. */
final class NoisySigmoidLayer extends StatelessLayer<NoisySigmoid> {

  private INDArray noise;

  NoisySigmoidLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private INDArray preActivation() {
    return noise == null ? input : input.add(noise);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    noise = training ? standardNormal(input.size(0), input.size(1)).muli(layerConf().getStddev()) : null;
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
    return out.assign(Transforms.sigmoid(preActivation(), true));
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray s = Transforms.sigmoid(preActivation(), true);
    INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    return new Pair<>(new DefaultGradient(), grad.assign(s.rsub(1.0).muli(s).muli(epsilon)));
  }

  @Override
  public double calcRegularizationScore(boolean backpropParamsOnly) {
    return 0;
  }
}
