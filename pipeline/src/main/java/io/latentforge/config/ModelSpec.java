package io.latentforge.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The autoencoder architecture; see the {@code model} section of conf/latentforge.conf. */
public record ModelSpec(Type type, int codeSize, List<Integer> encoderLayers, List<Integer> decoderLayers,
    Activation activation, Activation codeActivation, Loss loss, Corruption corruption, Conv conv, Binary binary,
    Vae vae) implements Serializable {

  /**
   * Binary codes for semantic hashing: a sigmoid code layer with Gaussian noise of standard
   * deviation {@code noise} on its input while training.
   */
  public record Binary(boolean enabled, double noise) implements Serializable {}

  /**
   * The VAE's weight of the KL term, ramped up over {@code klWarmupEpochs}, and the variance of its
   * Gaussian decoder (mse), NaN for auto until the training rows decide it.
   */
  public record Vae(double klWeight, int klWarmupEpochs, double noiseVariance) implements Serializable {

    public boolean noiseVarianceIsAuto() {
      return Double.isNaN(noiseVariance);
    }
  }

  /** model.encoder-layers = auto, by kind (see conf/latentforge.conf for the figures that chose them). */
  public static final List<Integer> IMAGE_LAYERS = List.of(512, 64);
  public static final List<Integer> TEXT_LAYERS = List.of(256, 64);

  /** The {@code model} section. */
  static ModelSpec from(ConfigReader r) {
    ConfigReader conv = r.section("conv");
    ConfigReader vae = r.section("vae");
    return new ModelSpec(r.enumValue("type", Type.class), r.intAtLeast("code-size", 1),
        // auto holds the images' widths until LatentforgeConfig.forKind decides them for the corpus.
        r.isAuto("encoder-layers") ? IMAGE_LAYERS : r.positiveIntList("encoder-layers"), r.intList("decoder-layers", 1),
        // auto holds the images' relu until LatentforgeConfig.forKind decides it for the corpus.
        r.enumOrAuto("activation", Activation.class, Activation.RELU), r.enumValue("code-activation", Activation.class),
        r.enumValue("loss", Loss.class),
        new Corruption(r.section("corruption").enumValue("type", CorruptionType.class),
            r.section("corruption").nonNegativeDouble("level")),
        new Conv(conv.enumValue("downsample", Downsample.class), conv.positiveIntList("channels"),
            conv.positiveIntList("kernel-sizes"), conv.positiveIntList("strides"), conv.intList("padding", 0)),
        new Binary(r.bool("binary-codes"), r.positiveDouble("binary-noise")),
        new Vae(vae.nonNegativeDouble("kl-weight"), vae.intAtLeast("kl-warmup-epochs", 0),
            vae.isAuto("noise-variance") ? Double.NaN : vae.positiveDouble("noise-variance")));
  }

  /** This model with the VAE decoder's variance decided (model.vae.noise-variance = auto). */
  public ModelSpec withNoiseVariance(double variance) {
    return new ModelSpec(type, codeSize, encoderLayers, decoderLayers, activation, codeActivation, loss, corruption,
        conv, binary, new Vae(vae.klWeight(), vae.klWarmupEpochs(), variance));
  }

  /**
   * A shallow autoencoder {@code ? -> out -> ?} of this model's settings (corruption, conv) with the
   * given activation and loss, and real-valued codes: one stage of layer-wise pretraining.
   */
  public ModelSpec shallowStage(int out, Activation stageActivation, Loss stageLoss) {
    return new ModelSpec(Type.SHALLOW, out, List.of(), List.of(), stageActivation, stageActivation, stageLoss,
        corruption, conv, new Binary(false, binary.noise()), vae);
  }

  public boolean binaryCodes() {
    return binary.enabled();
  }

  public enum Type {
    SHALLOW, DEEP, DENOISING, CONV, VAE
  }

  public enum Activation {
    RELU, TANH, SIGMOID, IDENTITY, LEAKYRELU, ELU
  }

  public enum Loss {
    AUTO, MSE, XENT, MULTINOMIAL
  }

  /** How a denoising autoencoder corrupts its training inputs. */
  public record Corruption(CorruptionType type, double level) implements Serializable {}

  public enum CorruptionType {
    NONE, MASKING, GAUSSIAN, SALT_PEPPER
  }

  /**
   * The convolutional encoder, one entry per stage; the decoder mirrors it with transposed
   * convolutions.
   */
  public record Conv(Downsample downsample, List<Integer> channels, List<Integer> kernelSizes, List<Integer> strides,
      List<Integer> padding) implements Serializable {

    public int stages() {
      return channels.size();
    }
  }

  public enum Downsample {
    STRIDE, POOL
  }

  /** A shallow autoencoder's code is s(Wx+b) with s = {@code model.activation}; binary codes are sigmoid. */
  public Activation codeLayerActivation() {
    if (binary.enabled()) {
      return Activation.SIGMOID;
    }
    return type == Type.SHALLOW ? activation : codeActivation;
  }

  /** Dense hidden widths on the encoder side: none for shallow; for conv, between the convolutions and the code. */
  public List<Integer> hiddenLayers() {
    return type == Type.SHALLOW || type == Type.CONV ? List.of() : encoderLayers;
  }

  /** Dense hidden widths on the decoder side, code side first: the mirror of the encoder unless given. */
  public List<Integer> decoderHiddenLayers() {
    if (type == Type.SHALLOW || type == Type.CONV) {
      return List.of();
    }
    return decoderLayers.isEmpty() ? mirroredEncoder() : decoderLayers;
  }

  /** The encoder's dense widths, code side first. */
  public List<Integer> mirroredEncoder() {
    List<Integer> mirror = new ArrayList<>(hiddenLayers());
    Collections.reverse(mirror);
    return List.copyOf(mirror);
  }

  /** The corruption applied while training: only denoising autoencoders corrupt their inputs. */
  public Corruption trainingCorruption() {
    return type == Type.DENOISING ? corruption : new Corruption(CorruptionType.NONE, 0);
  }
}
