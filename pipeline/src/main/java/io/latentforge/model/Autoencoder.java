package io.latentforge.model;

import io.latentforge.config.ModelSpec;
import io.latentforge.config.TextFeatures;
import io.latentforge.config.TrainSettings;
import io.latentforge.schema.CorpusKind;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Dense autoencoder specs to DL4J configurations: encoder widths, the code layer, the mirrored
 * decoder and an output layer whose activation matches the loss (sigmoid for cross-entropy,
 * softmax for multinomial, identity for mse).
 */
public final class Autoencoder {

  private Autoencoder() {}

  /**
   * Decides {@code model.loss = auto}: cross-entropy for [0,1] pixels and binary bags of words,
   * multinomial for per-document probabilities, mse for unbounded counts.
   */
  public static ModelSpec.Loss resolveLoss(ModelSpec.Loss configured, CorpusKind kind, TextFeatures.Weighting weighting,
      boolean standardizedImages) {
    if (configured != ModelSpec.Loss.AUTO) {
      return configured;
    }
    if (kind == CorpusKind.IMAGE) {
      return standardizedImages ? ModelSpec.Loss.MSE : ModelSpec.Loss.XENT;
    }
    return switch (weighting) {
      case PROBABILITY -> ModelSpec.Loss.MULTINOMIAL;
      case BINARY -> ModelSpec.Loss.XENT;
      case COUNTS, LOG, TFIDF -> ModelSpec.Loss.MSE;
    };
  }

  /** Index of the layer whose activations are the code. */
  public static int codeLayerIndex(ModelSpec spec) {
    return spec.hiddenLayers().size();
  }

  public static MultiLayerConfiguration configuration(ModelSpec spec, ModelSpec.Loss loss, int inputSize,
      TrainSettings train) {
    if (loss == ModelSpec.Loss.AUTO) {
      throw new IllegalArgumentException("resolve model.loss before building the network");
    }
    List<Integer> widths = new ArrayList<>(spec.hiddenLayers());
    NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
        .seed(train.seed())
        .updater(new Adam(train.learningRate()))
        .weightInit(WeightInit.XAVIER)
        .list();
    int in = inputSize;
    int index = 0;
    for (int width : widths) {
      layers.layer(index++, dense(in, width, activation(spec.activation())));
      in = width;
    }
    layers.layer(index++, dense(in, spec.codeSize(), activation(spec.codeLayerActivation())));
    in = spec.codeSize();
    for (int i = widths.size() - 1; i >= 0; i--) {
      layers.layer(index++, dense(in, widths.get(i), activation(spec.activation())));
      in = widths.get(i);
    }
    layers.layer(index, new OutputLayer.Builder(lossFunction(loss)).nIn(in).nOut(inputSize)
        .activation(outputActivation(loss)).build());
    return layers.build();
  }

  private static DenseLayer dense(int in, int out, Activation activation) {
    return new DenseLayer.Builder().nIn(in).nOut(out).activation(activation).build();
  }

  private static Activation activation(ModelSpec.Activation a) {
    return switch (a) {
      case RELU -> Activation.RELU;
      case TANH -> Activation.TANH;
      case SIGMOID -> Activation.SIGMOID;
      case IDENTITY -> Activation.IDENTITY;
      case LEAKYRELU -> Activation.LEAKYRELU;
      case ELU -> Activation.ELU;
    };
  }

  private static LossFunction lossFunction(ModelSpec.Loss loss) {
    return switch (loss) {
      case MSE -> LossFunction.MSE;
      case XENT -> LossFunction.XENT;
      case MULTINOMIAL -> LossFunction.MCXENT;
      case AUTO -> throw new IllegalStateException("unresolved loss");
    };
  }

  private static Activation outputActivation(ModelSpec.Loss loss) {
    return switch (loss) {
      case MSE -> Activation.IDENTITY;
      case XENT -> Activation.SIGMOID;
      case MULTINOMIAL -> Activation.SOFTMAX;
      case AUTO -> throw new IllegalStateException("unresolved loss");
    };
  }
}
