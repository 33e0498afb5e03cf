package io.latentforge.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The autoencoder architecture; see the {@code model} section of conf/latentforge.conf. */
public record ModelSpec(Type type, int codeSize, List<Integer> encoderLayers, List<Integer> decoderLayers,
    Activation activation, Activation codeActivation, Loss loss, Corruption corruption, Conv conv,
    boolean binaryCodes, double binaryNoise, double klWeight, int klWarmupEpochs) implements Serializable {

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
    if (binaryCodes) {
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
