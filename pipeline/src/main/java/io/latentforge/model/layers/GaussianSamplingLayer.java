package io.latentforge.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** See {@link GaussianSampling}. */
final class GaussianSamplingLayer extends StatelessLayer<GaussianSampling> {

  /** Keeps exp() finite for wild early updates; sigma between e^-10 and e^10. */
  private static final double MAX_LOG_VARIANCE = 20;

  private INDArray eps;
  private double meanKl;

  GaussianSamplingLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private long k() {
    return input.size(1) / 2;
  }

  private INDArray mu() {
    return input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k()));
  }

  private INDArray logVariance() {
    INDArray lv = input.get(NDArrayIndex.all(), NDArrayIndex.interval(k(), 2 * k()));
    return Transforms.min(Transforms.max(lv, -MAX_LOG_VARIANCE, true), MAX_LOG_VARIANCE, false);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    INDArray mu = mu();
    if (!training) {
      meanKl = 0;
      return workspaceMgr.dup(ArrayType.ACTIVATIONS, mu, 'c');
    }
    INDArray lv = logVariance();
    INDArray sigma = Transforms.exp(lv.mul(0.5), false);
    eps = standardNormal(mu.size(0), mu.size(1));
    INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, mu.dataType(), mu.shape(), 'c');
    z.assign(sigma.mul(eps).addi(mu));
    // KL(N(mu, sigma^2) || N(0, 1)) = 1/2 sum(mu^2 + sigma^2 - log sigma^2 - 1), averaged over examples.
    INDArray perElement = mu.mul(mu).addi(Transforms.exp(lv, true)).subi(lv).subi(1.0);
    meanKl = 0.5 * perElement.sumNumber().doubleValue() / mu.size(0);
    return z;
  }

  /** DL4J adds this to the score after averaging the loss over the minibatch. */
  @Override
  public double calcRegularizationScore(boolean backpropParamsOnly) {
    return layerConf().effectiveKlWeight() * meanKl;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    double w = layerConf().effectiveKlWeight();
    INDArray mu = mu();
    INDArray lv = logVariance();
    INDArray sigma = Transforms.exp(lv.mul(0.5), false);
    long k = k();
    INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    // Per-example gradients: DL4J's updater divides by the minibatch size.
    grad.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)).assign(mu.mul(w).addi(epsilon));
    INDArray dLogVariance = epsilon.mul(eps).muli(sigma).muli(0.5)
        .addi(Transforms.exp(lv, true).subi(1.0).muli(0.5 * w));
    grad.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k)).assign(dLogVariance);
    return new Pair<>(new DefaultGradient(), grad);
  }
}
