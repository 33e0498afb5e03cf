package io.latentforge.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ImageFeatures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  @Test
  void grayscalePixelsAreScaledToUnitRangeRowMajor() throws Exception {
    BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(3, 0, 0, 255);
    image.getRaster().setSample(0, 1, 0, 51);
    double[] f = new ImageDecoder(new ImageFeatures(2, 4, 1)).decode(encode(image, "png"));
    assertThat(f).hasSize(8);
    assertThat(f[3]).isCloseTo(1.0, within(1e-6));
    assertThat(f[4]).isCloseTo(0.2, within(1e-6));
    assertThat(f[0]).isZero();
  }

  @Test
  void colourBecomesLumaOrChannelMajorRgb() throws Exception {
    byte[] red = encode(solid(3, 3, 0xFF0000), "bmp");
    double[] gray = new ImageDecoder(new ImageFeatures(3, 3, 1)).decode(red);
    assertThat(Arrays.stream(gray).boxed()).allSatisfy(v -> assertThat(v).isCloseTo(0.299, within(1e-3)));
    double[] rgb = new ImageDecoder(new ImageFeatures(3, 3, 3)).decode(red);
    assertThat(Arrays.copyOfRange(rgb, 0, 9)).containsOnly(1.0);
    assertThat(Arrays.copyOfRange(rgb, 9, 27)).containsOnly(0.0);
  }

  @Test
  void resizesAnySizeToTheConfiguredOne() throws Exception {
    byte[] big = encode(solid(100, 60, 0xFFFFFF), "jpeg");
    double[] f = new ImageDecoder(new ImageFeatures(28, 28, 1)).decode(big);
    assertThat(f).hasSize(784);
    assertThat(Arrays.stream(f).min().orElseThrow()).isGreaterThan(0.95);
    byte[] small = encode(solid(8, 8, 0x808080), "gif");
    double[] upscaled = new ImageDecoder(new ImageFeatures(28, 28, 1)).decode(small);
    assertThat(upscaled).hasSize(784);
    assertThat(Arrays.stream(upscaled).boxed()).allSatisfy(v -> assertThat(v).isCloseTo(128 / 255.0, within(0.01)));
  }

  @Test
  void garbageEmptyAndTruncatedBytesAreUndecodable() throws Exception {
    ImageDecoder decoder = new ImageDecoder(new ImageFeatures(28, 28, 1));
    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .isInstanceOf(ImageDecoder.UndecodableImageException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> decoder.decode("not an image".getBytes()))
        .isInstanceOf(ImageDecoder.UndecodableImageException.class).hasMessageContaining("not a PNG");
    byte[] png = encode(solid(50, 50, 0x123456), "png");
    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(png, png.length / 2)))
        .isInstanceOf(ImageDecoder.UndecodableImageException.class);
  }
}
