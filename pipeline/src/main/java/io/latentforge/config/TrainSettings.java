package io.latentforge.config;

import java.io.Serializable;

/** Parameter-averaging training settings; see conf/latentforge.conf for each. */
public record TrainSettings(int epochs, int batchSizePerWorker, int averagingFrequency, int workers,
    Updater updater, double learningRate, WeightInit weightInit, double l2, long seed, Approach approach)
    implements Serializable {

  /** How DL4J hands minibatches to workers: exported to files first, or straight from the RDD. */
  public enum Approach {
    AUTO, EXPORT, DIRECT
  }

  public enum Updater {
    ADAM, NADAM, ADAMAX, RMSPROP, NESTEROVS, SGD, ADAGRAD
  }

  public enum WeightInit {
    AUTO, XAVIER, RELU, LECUN_NORMAL, NORMAL, UNIFORM
  }

  /** A learning rate of "auto" by model type: convolutional and variational models want a smaller step. */
  public static double defaultLearningRate(ModelSpec.Type type) {
    return switch (type) {
      case CONV, VAE -> 0.001;
      case SHALLOW, DEEP, DENOISING -> 0.003;
    };
  }
}
