package io.latentforge.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A sigmoid that adds Gaussian noise to its input while training (Salakhutdinov and Hinton's
 * semantic hashing): to carry information through the noise the pre-activations grow large, so the
 * outputs end near 0 or 1 and threshold into binary codes. At inference it is a plain sigmoid.
 */
public class NoisySigmoid extends StatelessLayerConf {

  private double stddev = 4.0;

  public NoisySigmoid() {}

  public NoisySigmoid(double stddev) {
    this.stddev = stddev;
  }

  public double getStddev() {
    return stddev;
  }

  public void setStddev(double stddev) {
    this.stddev = stddev;
  }

  @Override
  Layer create(NeuralNetConfiguration conf, DataType dataType) {
    return new NoisySigmoidLayer(conf, dataType);
  }

  @Override
  long outputSize(long inputSize) {
    return inputSize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoisySigmoid n && n.stddev == stddev && super.equals(o);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(stddev);
  }
}
