package io.latentforge.model;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ConvPlan;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.TextFeatures;
import io.latentforge.config.TrainSettings;
import io.latentforge.model.layers.GaussianLoss;
import io.latentforge.model.layers.GaussianSampling;
import io.latentforge.model.layers.NoisySigmoid;
import io.latentforge.schema.CorpusKind;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Autoencoder specs to DL4J configurations. Every type ends in a code layer of
 * {@code model.code-size} activations, so code tables look the same whatever the model:
 * dense encoders (shallow, deep, denoising), a convolutional encoder with a dense bottleneck and a
 * transposed-convolution decoder (conv), or a Gaussian sampling layer whose inference output is
 * the mean of q(z|x) (vae). The output activation matches the loss (sigmoid for cross-entropy,
 * softmax for multinomial, identity for mse).
 */
public final class Autoencoder {

  private Autoencoder() {}

  /** A network configuration and where its code is. */
  public record Architecture(MultiLayerConfiguration configuration, CodeLayer code) {}

  /**
   * Decides {@code model.loss = auto}: cross-entropy for [0,1] pixels and binary bags of words,
   * multinomial for per-document distributions (probability weighting, or any weighting divided by
   * its sum), mse for unbounded counts.
   */
  public static ModelSpec.Loss resolveLoss(ModelSpec.Loss configured, CorpusKind kind, TextFeatures text,
      boolean standardizedImages) {
    if (configured != ModelSpec.Loss.AUTO) {
      return configured;
    }
    if (kind == CorpusKind.IMAGE) {
      return standardizedImages ? ModelSpec.Loss.MSE : ModelSpec.Loss.XENT;
    }
    if (text.normalize() == TextFeatures.Normalize.L1) {
      return ModelSpec.Loss.MULTINOMIAL;
    }
    return switch (text.weighting()) {
      case PROBABILITY -> ModelSpec.Loss.MULTINOMIAL;
      case BINARY -> ModelSpec.Loss.XENT;
      case COUNTS, LOG, TFIDF -> ModelSpec.Loss.MSE;
    };
  }

  /** Fails before any work when the model type cannot serve this kind of corpus. */
  public static void requireFits(ModelSpec spec, CorpusKind kind) {
    if (kind != CorpusKind.TEXT) {
      return;
    }
    if (spec.type() == ModelSpec.Type.CONV) {
      throw LatentforgeException.usage("model.type = conv needs an image corpus; this is a document corpus.",
          "use model.type = deep, denoising, shallow or vae for documents.");
    }
    ModelSpec.CorruptionType corruption = spec.trainingCorruption().type();
    if (corruption != ModelSpec.CorruptionType.NONE && corruption != ModelSpec.CorruptionType.MASKING) {
      throw LatentforgeException.usage("model.corruption.type = " + corruption.name().toLowerCase().replace('_', '-')
          + " does not apply to bags of words.", "use model.corruption.type = masking: for documents it is word dropout.");
    }
  }

  /**
   * @param inputSize features per example
   * @param image the image shape (channels first) for image corpora, null for documents
   */
  public static Architecture build(ModelSpec spec, ModelSpec.Loss loss, int inputSize, ConvPlan.Shape image,
      TrainSettings train) {
    if (loss == ModelSpec.Loss.AUTO) {
      throw new IllegalArgumentException("resolve model.loss before building the network");
    }
    if (needsNoiseVariance(spec, loss)) {
      throw new IllegalArgumentException("resolve model.vae.noise-variance before building the network");
    }
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(train.seed())
        .updater(updater(train))
        .weightInit(weightInit(train.optimizer().weightInit(), spec.activation()));
    if (train.optimizer().l2() > 0) {
      base.l2(train.optimizer().l2());
    }
    if (train.optimizer().clipping().kind() != TrainSettings.GradientClipping.NONE) {
      base.gradientNormalization(gradientNormalization(train.optimizer().clipping().kind()))
          .gradientNormalizationThreshold(train.optimizer().clipping().threshold());
    }
    NeuralNetConfiguration.ListBuilder layers = base.list();
    Stack stack = new Stack(layers);
    CodeLayer code;
    if (spec.type() == ModelSpec.Type.CONV) {
      if (image == null) {
        throw new IllegalArgumentException("a convolutional autoencoder needs an image shape");
      }
      code = convolutional(stack, spec, loss, ConvPlan.validated(spec.conv(), image));
      layers.setInputType(InputType.convolutionalFlat(image.height(), image.width(), image.channels()));
    } else {
      code = dense(stack, spec, loss, inputSize);
      layers.setInputType(InputType.feedForward(inputSize));
    }
    return new Architecture(layers.build(), code);
  }

  /** Appends layers and counts them, so the code layer's index is known as it is added. */
  private static final class Stack {
    private final NeuralNetConfiguration.ListBuilder layers;
    private int size;

    Stack(NeuralNetConfiguration.ListBuilder layers) {
      this.layers = layers;
    }

    int add(Layer layer) {
      layers.layer(size, layer);
      return size++;
    }
  }

  private static CodeLayer dense(Stack stack, ModelSpec spec, ModelSpec.Loss loss, int inputSize) {
    for (int width : spec.hiddenLayers()) {
      stack.add(dense(width, activation(spec.activation())));
    }
    CodeLayer code = codeLayer(stack, spec);
    for (int width : spec.decoderHiddenLayers()) {
      stack.add(dense(width, activation(spec.activation())));
    }
    stack.add(new OutputLayer.Builder(lossFunction(loss, spec)).nOut(inputSize)
        .activation(outputActivation(loss)).build());
    return code;
  }

  private static CodeLayer convolutional(Stack stack, ModelSpec spec, ModelSpec.Loss loss, ConvPlan plan) {
    ModelSpec.Conv conv = spec.conv();
    Activation hidden = activation(spec.activation());
    for (int i = 0; i < conv.stages(); i++) {
      int k = conv.kernelSizes().get(i);
      int p = conv.padding().get(i);
      int s = conv.strides().get(i);
      boolean strided = conv.downsample() == ModelSpec.Downsample.STRIDE;
      stack.add(new ConvolutionLayer.Builder(k, k).stride(strided ? s : 1, strided ? s : 1).padding(p, p)
          .nOut(conv.channels().get(i)).activation(hidden).convolutionMode(ConvolutionMode.Truncate).build());
      if (!strided) {
        stack.add(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(s, s).stride(s, s)
            .convolutionMode(ConvolutionMode.Truncate).build());
      }
    }
    CodeLayer code = codeLayer(stack, spec);
    ConvPlan.Shape bottleneck = plan.bottleneck();
    stack.add(dense(bottleneck.size(), hidden));
    int firstDeconv = stack.size;
    stack.layers.inputPreProcessor(firstDeconv,
        new FeedForwardToCnnPreProcessor(bottleneck.height(), bottleneck.width(), bottleneck.channels()));
    List<ConvPlan.Step> decoder = plan.decoder();
    for (int j = 0; j < decoder.size(); j++) {
      int i = conv.stages() - 1 - j;
      boolean strided = conv.downsample() == ModelSpec.Downsample.STRIDE;
      int s = conv.strides().get(i);
      int k = strided ? conv.kernelSizes().get(i) : s;
      int p = strided ? conv.padding().get(i) : 0;
      boolean last = j == decoder.size() - 1;
      stack.add(new Deconvolution2D.Builder(k, k).stride(s, s).padding(p, p).nOut(decoder.get(j).out().channels())
          .activation(last ? Activation.IDENTITY : hidden).convolutionMode(ConvolutionMode.Truncate).build());
    }
    stack.add(new LossLayer.Builder(lossFunction(loss, spec)).activation(outputActivation(loss)).build());
    return code;
  }

  /** The code layer: deterministic, noisy sigmoid for binary codes, or Gaussian sampling for a VAE. */
  private static CodeLayer codeLayer(Stack stack, ModelSpec spec) {
    int k = spec.codeSize();
    if (spec.type() == ModelSpec.Type.VAE) {
      stack.add(dense(2 * k, Activation.IDENTITY));
      return new CodeLayer(stack.add(new GaussianSampling(spec.vae().klWeight(), spec.vae().klWarmupEpochs())), false);
    }
    if (spec.binaryCodes()) {
      stack.add(dense(k, Activation.IDENTITY));
      return new CodeLayer(stack.add(new NoisySigmoid(spec.binary().noise())), true);
    }
    return new CodeLayer(stack.add(dense(k, activation(spec.codeLayerActivation()))), false);
  }

  private static DenseLayer dense(int out, Activation activation) {
    return new DenseLayer.Builder().nOut(out).activation(activation).build();
  }

  private static IUpdater updater(TrainSettings train) {
    double lr = train.optimizer().learningRate();
    return switch (train.optimizer().updater()) {
      case ADAM -> new Adam(lr);
      case NADAM -> new Nadam(lr);
      case ADAMAX -> new AdaMax(lr);
      case RMSPROP -> new RmsProp(lr);
      case NESTEROVS -> new Nesterovs(lr, 0.9);
      case SGD -> new Sgd(lr);
      case ADAGRAD -> new AdaGrad(lr);
    };
  }

  private static GradientNormalization gradientNormalization(TrainSettings.GradientClipping kind) {
    return switch (kind) {
      case NONE -> GradientNormalization.None;
      case CLIP_L2_PER_LAYER -> GradientNormalization.ClipL2PerLayer;
      case CLIP_L2_PER_PARAM_TYPE -> GradientNormalization.ClipL2PerParamType;
      case CLIP_ELEMENT_WISE -> GradientNormalization.ClipElementWiseAbsoluteValue;
      case RENORMALIZE_L2_PER_LAYER -> GradientNormalization.RenormalizeL2PerLayer;
    };
  }

  /** {@code auto}: He initialization for the ReLU family, Xavier otherwise. */
  static WeightInit weightInit(TrainSettings.WeightInit configured, ModelSpec.Activation activation) {
    return switch (configured) {
      case AUTO -> switch (activation) {
        case RELU, LEAKYRELU, ELU -> WeightInit.RELU;
        case TANH, SIGMOID, IDENTITY -> WeightInit.XAVIER;
      };
      case XAVIER -> WeightInit.XAVIER;
      case RELU -> WeightInit.RELU;
      case LECUN_NORMAL -> WeightInit.LECUN_NORMAL;
      case NORMAL -> WeightInit.NORMAL;
      case UNIFORM -> WeightInit.UNIFORM;
    };
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

  /** Whether {@link #build} needs model.vae.noise-variance decided first ({@link ModelSpec#withNoiseVariance}). */
  public static boolean needsNoiseVariance(ModelSpec spec, ModelSpec.Loss loss) {
    return spec.type() == ModelSpec.Type.VAE && loss == ModelSpec.Loss.MSE && spec.vae().noiseVarianceIsAuto();
  }

  /**
   * A VAE's reconstruction term is a log-likelihood summed over features: for mse, a Gaussian's,
   * whose variance follows the scale of the inputs so that the KL term weighs the same whatever it is.
   */
  private static ILossFunction lossFunction(ModelSpec.Loss loss, ModelSpec spec) {
    return switch (loss) {
      case MSE -> spec.type() == ModelSpec.Type.VAE ? new GaussianLoss(spec.vae().noiseVariance())
          : LossFunction.MSE.getILossFunction();
      case XENT -> LossFunction.XENT.getILossFunction();
      case MULTINOMIAL -> LossFunction.MCXENT.getILossFunction();
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
