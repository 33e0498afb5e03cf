package io.latentforge.model.layers;

import java.util.Arrays;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The stochastic layer of a variational autoencoder. Its input is [mu, log sigma^2] of q(z|x)
 * (2k values); while training it outputs z = mu + sigma * eps with eps ~ N(0, I) (the
 * reparameterization trick) and adds {@code klWeight} * KL(q(z|x) || N(0, I)) to the loss; at
 * inference it outputs mu, so the code of a VAE is the mean of q(z|x).
 */
public class GaussianSampling extends StatelessLayerConf {

  private double klWeight = 1.0;
  private int warmupEpochs;
  private double klScale = 1.0;

  public GaussianSampling() {}

  public GaussianSampling(double klWeight, int warmupEpochs) {
    this.klWeight = klWeight;
    this.warmupEpochs = warmupEpochs;
  }

  /**
   * KL warm-up (Bowman et al. 2016): during the first {@code warmupEpochs} the KL term's weight
   * grows linearly to {@code klWeight}, so the decoder learns to use the code before the prior
   * pulls it to N(0, I) (otherwise small corpora collapse to the mean). Call before each epoch;
   * the weight depends only on the epoch, so resumed runs see the same schedule.
   */
  public static void scheduleFor(MultiLayerNetwork network, int epoch) {
    // Both the configurations DL4J broadcasts to workers and those the network's own layers hold.
    Stream.concat(network.getLayerWiseConfigurations().getConfs().stream(),
            Arrays.stream(network.getLayers()).map(org.deeplearning4j.nn.api.Layer::conf))
        .map(NeuralNetConfiguration::getLayer)
        .filter(GaussianSampling.class::isInstance).map(GaussianSampling.class::cast)
        .forEach(g -> g.klScale = g.warmupEpochs <= 0 ? 1.0 : Math.min(1.0, (double) epoch / g.warmupEpochs));
  }

  /** The KL weight in force this epoch. */
  double effectiveKlWeight() {
    return klWeight * klScale;
  }

  public int getWarmupEpochs() {
    return warmupEpochs;
  }

  public void setWarmupEpochs(int warmupEpochs) {
    this.warmupEpochs = warmupEpochs;
  }

  public double getKlScale() {
    return klScale;
  }

  public void setKlScale(double klScale) {
    this.klScale = klScale;
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
    return o instanceof GaussianSampling g && g.klWeight == klWeight && g.warmupEpochs == warmupEpochs
        && g.klScale == klScale && super.equals(o);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(klWeight);
  }
}
