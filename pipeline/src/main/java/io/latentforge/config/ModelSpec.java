package io.latentforge.config;

import java.io.Serializable;
import java.util.List;

/** The autoencoder architecture. */
public record ModelSpec(Type type, int codeSize, List<Integer> encoderLayers, Activation activation,
    Activation codeActivation, Loss loss) implements Serializable {

  public enum Type {
    SHALLOW, DEEP
  }

  public enum Activation {
    RELU, TANH, SIGMOID, IDENTITY, LEAKYRELU, ELU
  }

  public enum Loss {
    AUTO, MSE, XENT, MULTINOMIAL
  }

  /** A shallow autoencoder's code is s(Wx+b) with s = {@code model.activation}. */
  public Activation codeLayerActivation() {
    return type == Type.SHALLOW ? activation : codeActivation;
  }

  /** Hidden widths on the encoder side; a shallow autoencoder has none. */
  public List<Integer> hiddenLayers() {
    return type == Type.SHALLOW ? List.of() : encoderLayers;
  }
}
