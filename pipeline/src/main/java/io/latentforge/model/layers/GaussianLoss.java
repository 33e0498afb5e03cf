package io.latentforge.model.layers;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The reconstruction term of a VAE with a Gaussian decoder of variance {@code variance} per
 * feature: {@code |x - y|^2 / (2 variance)} per example, the negative log-likelihood up to a
 * constant. The variance sets how much reconstruction a nat of KL buys, so it must follow the
 * scale of the inputs: at a fixed 1/2 (a plain sum of squares), unit-length tf-idf vectors, whose
 * squared errors are far below 1, collapsed every code unit to the prior. The network's JSON
 * configuration carries the variance, so a saved model scores as it trained.
 */
public class GaussianLoss implements ILossFunction {

  private double variance = 0.5;

  /** For reading a network's JSON configuration, which then sets the variance. */
  public GaussianLoss() {}

  public GaussianLoss(double variance) {
    if (!(variance > 0) || Double.isInfinite(variance)) {
      throw new IllegalArgumentException("the variance of a Gaussian decoder must be positive and finite: " + variance);
    }
    this.variance = variance;
  }

  public double getVariance() {
    return variance;
  }

  public void setVariance(double variance) {
    this.variance = variance;
  }

  private static INDArray residual(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray residual = activationFn.getActivation(preOutput.dup(), true).subi(labels.castTo(preOutput.dataType()));
    if (mask != null) {
      LossUtil.applyMask(residual, mask);
    }
    return residual;
  }

  private INDArray scoreArray(INDArray residual) {
    return Transforms.pow(residual, 2, true).sum(true, 1).divi(2 * variance);
  }

  private static double score(INDArray scoreArray, boolean average) {
    double sum = scoreArray.sumNumber().doubleValue();
    return average ? sum / scoreArray.size(0) : sum;
  }

  private INDArray gradient(INDArray residual, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray gradient = activationFn.backprop(preOutput.dup(), residual.div(variance)).getFirst();
    if (mask != null) {
      LossUtil.applyMask(gradient, mask);
    }
    return gradient;
  }

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    return scoreArray(residual(labels, preOutput, activationFn, mask));
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
      boolean average) {
    return score(computeScoreArray(labels, preOutput, activationFn, mask), average);
  }

  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    return gradient(residual(labels, preOutput, activationFn, mask), preOutput, activationFn, mask);
  }

  /** One forward activation and residual for both. */
  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
      INDArray mask, boolean average) {
    INDArray residual = residual(labels, preOutput, activationFn, mask);
    return new Pair<>(score(scoreArray(residual), average), gradient(residual, preOutput, activationFn, mask));
  }

  @Override
  public String name() {
    return "Gaussian(variance=" + variance + ")";
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GaussianLoss g && g.variance == variance;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(variance);
  }
}
