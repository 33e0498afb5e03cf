package io.latentforge.image;

import io.latentforge.config.ImageFeatures;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import javax.imageio.ImageIO;

/**
 * Turns encoded image bytes into a feature vector: decoded with ImageIO (PNG, JPEG, GIF, BMP),
 * resized bilinearly to the configured size, converted to the configured channels and scaled to
 * [0,1]. The vector is channel-major (CHW), the layout DL4J's convolution layers expect.
 */
public final class ImageDecoder implements Serializable {

  private final ImageFeatures spec;

  public ImageDecoder(ImageFeatures spec) {
    this.spec = spec;
  }

  /** Thrown for bytes that are not a readable image; the message is the reject's detail. */
  public static final class UndecodableImageException extends Exception {
    UndecodableImageException(String message) {
      super(message);
    }
  }

  public double[] decode(byte[] bytes) throws UndecodableImageException {
    if (bytes.length == 0) {
      throw new UndecodableImageException("empty image bytes");
    }
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new UndecodableImageException("cannot decode " + bytes.length + " bytes: " + e.getMessage());
    }
    if (image == null) {
      throw new UndecodableImageException("not a PNG, JPEG, GIF or BMP image (" + bytes.length + " bytes)");
    }
    return toFeatures(resize(image));
  }

  private BufferedImage resize(BufferedImage image) {
    BufferedImage target = new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, spec.width(), spec.height(), null);
    } finally {
      g.dispose();
    }
    return target;
  }

  private double[] toFeatures(BufferedImage rgb) {
    int h = spec.height();
    int w = spec.width();
    double[] out = new double[spec.size()];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = rgb.getRGB(x, y);
        double r = ((p >> 16) & 0xff) / 255.0;
        double gr = ((p >> 8) & 0xff) / 255.0;
        double b = (p & 0xff) / 255.0;
        int at = y * w + x;
        if (spec.channels() == 1) {
          // ITU-R BT.601 luma, the weights ImageIO and most tools use for grayscale.
          out[at] = 0.299 * r + 0.587 * gr + 0.114 * b;
        } else {
          out[at] = r;
          out[h * w + at] = gr;
          out[2 * h * w + at] = b;
        }
      }
    }
    return out;
  }
}
