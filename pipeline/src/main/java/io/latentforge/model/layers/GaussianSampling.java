package io.latentforge.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The stochastic layer of a variational autoencoder. Its input is [mu, log sigma^2] of q(z|x)
 * (2k values); while training it outputs z = mu + sigma * eps with eps ~ N(0, I) (the
 * reparameterization trick) and adds {@code klWeight} * KL(q(z|x) || N(0, I)) to the loss; at
 * inference it outputs mu, so the code of a VAE is the mean of q(z|x).
 */
public class GaussianSampling extends StatelessLayerConf {

  private double klWeight = 1.0;

  public GaussianSampling() {}

  public GaussianSampling(double klWeight) {
    this.klWeight = klWeight;
  }

  public double getKlWeight() {
    return klWeight;
  }

  public void setKlWeight(double klWeight) {
    this.klWeight = klWeight;
  }

  @Override
  Layer create(NeuralNetConfiguration conf, DataType dataType) {
    return new GaussianSamplingLayer(conf, dataType);
  }

  @Override
  long outputSize(long inputSize) {
    return inputSize / 2;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GaussianSampling g && g.klWeight == klWeight && super.equals(o);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(klWeight);
  }
}
