package io.latentforge.config;

import java.io.Serializable;
import java.util.List;

/** Target geometry of image features: every image is resized to height x width x channels. */
public record ImageFeatures(int height, int width, int channels, boolean standardize) implements Serializable {

  /** Unstandardized [0,1] features of the given geometry. */
  public ImageFeatures(int height, int width, int channels) {
    this(height, width, channels, false);
  }

  public int size() {
    return height * width * channels;
  }

  /** The {@code features.image} section. */
  static ImageFeatures from(ConfigReader r) {
    return new ImageFeatures(r.intBetween("height", 1, 4096), r.intBetween("width", 1, 4096),
        r.oneOf("channels", List.of(1, 3), Integer::parseInt), r.bool("standardize"));
  }
}
