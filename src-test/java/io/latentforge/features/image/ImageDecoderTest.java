package io.latentforge.features.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ImageFeatures;
import io.latentforge.schema.RejectReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

public class ImageDecoderTest {

  static final long MAX = 1_000_000;

  public static byte[] encode(BufferedImage image, String format) throws Exception {
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

  /**
   * The reusing decoder gives the same features as the allocating one, for a run of images whose
   * size, colour type and format change (so its buffers are outgrown, reused larger, or bypassed).
   */
  @Test
  void decodingIntoReusedBuffersGivesTheSameFeatures() throws Exception {
    java.util.Random random = new java.util.Random(3);
    ImageDecoder decoder = new ImageDecoder(new ImageFeatures(6, 5, 3), MAX);
    int[][] sizes = {{5, 6}, {40, 30}, {5, 6}, {3, 2}, {40, 30}, {12, 12}};
    int[] types = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_USHORT_GRAY};
    double[] previous = null;
    for (int i = 0; i < 12; i++) {
      BufferedImage image = new BufferedImage(sizes[i % sizes.length][0], sizes[i % sizes.length][1], types[i % 3]);
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          image.setRGB(x, y, random.nextInt());
        }
      }
      byte[] bytes = encode(image, i == 7 ? "bmp" : "png");
      double[] reused = decoder.decodeReusing(bytes);
      assertThat(reused).as("image " + i).containsExactly(decoder.decode(bytes));
      if (previous != null) {
        assertThat(reused).as("one array per thread").isSameAs(previous);
      }
      previous = reused;
    }
  }

  @Test
  void grayscalePixelsAreScaledToUnitRangeRowMajor() throws Exception {
    BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(3, 0, 0, 255);
    image.getRaster().setSample(0, 1, 0, 51);
    double[] f = new ImageDecoder(new ImageFeatures(2, 4, 1), MAX).decode(encode(image, "png"));
    assertThat(f).hasSize(8);
    assertThat(f[3]).isCloseTo(1.0, within(1e-6));
    assertThat(f[4]).isCloseTo(0.2, within(1e-6));
    assertThat(f[0]).isZero();
  }

  @Test
  void colourBecomesLumaOrChannelMajorRgb() throws Exception {
    byte[] red = encode(solid(3, 3, 0xFF0000), "bmp");
    double[] gray = new ImageDecoder(new ImageFeatures(3, 3, 1), MAX).decode(red);
    assertThat(Arrays.stream(gray).boxed()).allSatisfy(v -> assertThat(v).isCloseTo(0.299, within(1e-3)));
    double[] rgb = new ImageDecoder(new ImageFeatures(3, 3, 3), MAX).decode(red);
    assertThat(Arrays.copyOfRange(rgb, 0, 9)).containsOnly(1.0);
    assertThat(Arrays.copyOfRange(rgb, 9, 27)).containsOnly(0.0);
  }

  @Test
  void resizesAnySizeToTheConfiguredOne() throws Exception {
    byte[] big = encode(solid(100, 60, 0xFFFFFF), "jpeg");
    double[] f = new ImageDecoder(new ImageFeatures(28, 28, 1), MAX).decode(big);
    assertThat(f).hasSize(784);
    assertThat(Arrays.stream(f).min().orElseThrow()).isGreaterThan(0.95);
    byte[] small = encode(solid(8, 8, 0x808080), "gif");
    double[] upscaled = new ImageDecoder(new ImageFeatures(28, 28, 1), MAX).decode(small);
    assertThat(upscaled).hasSize(784);
    assertThat(Arrays.stream(upscaled).boxed()).allSatisfy(v -> assertThat(v).isCloseTo(128 / 255.0, within(0.01)));
  }

  @Test
  void sixteenBitGrayKeepsItsLevels() throws Exception {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    image.getRaster().setSample(0, 0, 0, 65535);
    image.getRaster().setSample(1, 0, 0, 16384);
    double[] f = new ImageDecoder(new ImageFeatures(1, 2, 1), MAX).decode(encode(image, "png"));
    assertThat(f[0]).isCloseTo(1.0, within(1e-6));
    assertThat(f[1]).isCloseTo(16384 / 65535.0, within(1e-6));
  }

  @Test
  void paletteImagesUseTheirColours() throws Exception {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED);
    image.setRGB(0, 0, 0x0000FF);
    double[] rgb = new ImageDecoder(new ImageFeatures(2, 2, 3), MAX).decode(encode(image, "gif"));
    assertThat(rgb[0]).isZero();
    assertThat(rgb[2 * 4]).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void sparkImageRowsAreBgrBytes() throws Exception {
    // One pixel, pure red in BGR order, plus an alpha byte that is dropped.
    byte[] bgra = {0, 0, (byte) 255, (byte) 128};
    double[] rgb = new ImageDecoder(new ImageFeatures(1, 1, 3), MAX).fromSparkImage(1, 1, 4, bgra);
    assertThat(rgb).containsExactly(1.0, 0.0, 0.0);
    assertThatThrownBy(() -> new ImageDecoder(new ImageFeatures(1, 1, 3), MAX).fromSparkImage(-1, -1, 3, new byte[0]))
        .isInstanceOf(ImageDecoder.RejectedImageException.class).hasMessageContaining("invalid");
  }

  @Test
  void imagesAboveThePixelLimitAreRejectedBeforeDecoding() throws Exception {
    byte[] png = encode(new BufferedImage(2000, 1000, BufferedImage.TYPE_BYTE_GRAY), "png");
    assertThatThrownBy(() -> new ImageDecoder(new ImageFeatures(28, 28, 1), 1_999_999).decode(png))
        .isInstanceOfSatisfying(ImageDecoder.RejectedImageException.class,
            e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
        .hasMessageContaining("2000x1000");
  }

  @Test
  void garbageEmptyAndTruncatedBytesAreUndecodable() throws Exception {
    ImageDecoder decoder = new ImageDecoder(new ImageFeatures(28, 28, 1), MAX);
    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .isInstanceOf(ImageDecoder.RejectedImageException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> decoder.decode("not an image".getBytes()))
        .isInstanceOf(ImageDecoder.RejectedImageException.class).hasMessageContaining("not a PNG");
    byte[] png = encode(solid(50, 50, 0x123456), "png");
    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(png, png.length / 2)))
        .isInstanceOf(ImageDecoder.RejectedImageException.class);
  }
}
