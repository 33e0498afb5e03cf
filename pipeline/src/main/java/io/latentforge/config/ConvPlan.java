package io.latentforge.config;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape arithmetic of a convolutional autoencoder, done before any network is built so a
 * configuration that does not return to the input shape fails with the shape after every layer.
 *
 * <p>Stride mode: each stage is a convolution with its kernel, stride and padding, out =
 * floor((in + 2p - k) / s) + 1, mirrored by a transposed convolution with the same kernel, stride
 * and padding, out = s (in - 1) + k - 2p. Pool mode: a stride-1 convolution, out = in + 2p - k + 1,
 * then s x s max pooling, out = floor(in / s), mirrored by an s x s transposed convolution of
 * stride s, out = s in.
 */
public final class ConvPlan {

  /** An activation shape, channels first. */
  public record Shape(int channels, int height, int width) {
    public int size() {
      return channels * height * width;
    }

    @Override
    public String toString() {
      return channels + "x" + height + "x" + width;
    }
  }

  /** One layer and the shape it outputs. */
  public record Step(String layer, Shape out) {}

  private final Shape input;
  private final List<Step> encoder;
  private final List<Step> decoder;

  private ConvPlan(Shape input, List<Step> encoder, List<Step> decoder) {
    this.input = input;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** The plan for {@code conv} on {@code input}; fails with the per-layer shapes unless it returns to the input shape. */
  public static ConvPlan validated(ModelSpec.Conv conv, Shape input) {
    ConvPlan plan = of(conv, input);
    if (!plan.valid()) {
      throw new IllegalArgumentException("the convolutional autoencoder does not return to the input shape " + input
          + ": " + plan.describe());
    }
    return plan;
  }

  static ConvPlan of(ModelSpec.Conv conv, Shape input) {
    List<Step> encoder = new ArrayList<>();
    Shape s = input;
    for (int i = 0; i < conv.stages() && s != null; i++) {
      int k = conv.kernelSizes().get(i);
      int stride = conv.strides().get(i);
      int p = conv.padding().get(i);
      int c = conv.channels().get(i);
      if (conv.downsample() == ModelSpec.Downsample.STRIDE) {
        s = add(encoder, "conv" + (i + 1) + " k" + k + " s" + stride + " p" + p,
            c, convOut(s.height(), k, stride, p), convOut(s.width(), k, stride, p));
      } else {
        s = add(encoder, "conv" + (i + 1) + " k" + k + " s1 p" + p, c, convOut(s.height(), k, 1, p),
            convOut(s.width(), k, 1, p));
        if (s != null) {
          s = add(encoder, "maxpool" + (i + 1) + " " + stride + "x" + stride, c, s.height() / stride,
              s.width() / stride);
        }
      }
    }
    List<Step> decoder = new ArrayList<>();
    for (int i = conv.stages() - 1; i >= 0 && s != null; i--) {
      int c = i == 0 ? input.channels() : conv.channels().get(i - 1);
      int stride = conv.strides().get(i);
      if (conv.downsample() == ModelSpec.Downsample.STRIDE) {
        int k = conv.kernelSizes().get(i);
        int p = conv.padding().get(i);
        s = add(decoder, "deconv" + (i + 1) + " k" + k + " s" + stride + " p" + p, c,
            deconvOut(s.height(), k, stride, p), deconvOut(s.width(), k, stride, p));
      } else {
        s = add(decoder, "deconv" + (i + 1) + " k" + stride + " s" + stride + " p0", c, s.height() * stride,
            s.width() * stride);
      }
    }
    return new ConvPlan(input, List.copyOf(encoder), List.copyOf(decoder));
  }

  private static Shape add(List<Step> steps, String layer, int c, int h, int w) {
    Shape out = h >= 1 && w >= 1 ? new Shape(c, h, w) : null;
    steps.add(new Step(layer, out));
    return out;
  }

  private static int convOut(int in, int k, int s, int p) {
    int span = in + 2 * p - k;
    return span < 0 ? 0 : span / s + 1;
  }

  private static int deconvOut(int in, int k, int s, int p) {
    return s * (in - 1) + k - 2 * p;
  }

  public boolean valid() {
    return !decoder.isEmpty() && input.equals(decoder.get(decoder.size() - 1).out());
  }

  public List<Step> encoder() {
    return encoder;
  }

  public List<Step> decoder() {
    return decoder;
  }

  /** The encoder's output: what the dense code layer sees, and what the decoder starts from. */
  public Shape bottleneck() {
    return encoder.get(encoder.size() - 1).out();
  }

  /** "input 1x28x28 -> conv1 k4 s2 p1: 16x14x14 -> ..."; a layer with no valid output shows "empty". */
  public String describe() {
    List<Step> all = new ArrayList<>(encoder);
    all.addAll(decoder);
    return "input " + input + all.stream()
        .map(st -> " -> " + st.layer() + ": " + (st.out() == null ? "empty (kernel larger than its input)" : st.out()))
        .collect(Collectors.joining());
  }
}
