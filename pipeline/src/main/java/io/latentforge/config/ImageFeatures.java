package io.latentforge.config;

import java.io.Serializable;

/** Target geometry of image features: every image is resized to height x width x channels. */
public record ImageFeatures(int height, int width, int channels) implements Serializable {

  public int size() {
    return height * width * channels;
  }
}
