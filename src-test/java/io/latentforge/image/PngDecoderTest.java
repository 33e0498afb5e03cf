package io.latentforge.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The direct PNG decoder gives exactly ImageIO's samples, for every layout it takes. */
class PngDecoderTest {

  private static final Random RANDOM = new Random(9);

  /** Smooth gradients plus noise, so the PNG writer picks different row filters. */
  private static BufferedImage fill(BufferedImage image) {
    WritableRaster raster = image.getRaster();
    int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        for (int b = 0; b < raster.getNumBands(); b++) {
          double smooth = (x * 7 + y * 3 + b * 50) % 256 / 255.0;
          double value = y % 3 == 0 ? RANDOM.nextDouble() : smooth;
          raster.setSample(x, y, b, (int) Math.round(value * max));
        }
      }
    }
    return image;
  }

  private static BufferedImage custom(int colourSpace, boolean alpha, int transferType, int w, int h) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(colourSpace), alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, transferType);
    return new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
  }

  private static void assertSameAsImageIo(BufferedImage image) throws Exception {
    byte[] png = Png.encode(image);
    PngDecoder.Header header = PngDecoder.header(png);
    assertThat(header.supported()).isTrue();
    ImageDecoder.Planes direct = PngDecoder.decode(png, header);
    ImageDecoder.Planes imageIo = ImageDecoder.planes(ImageIO.read(new ByteArrayInputStream(png)));
    assertThat(direct.width()).isEqualTo(imageIo.width());
    assertThat(direct.height()).isEqualTo(imageIo.height());
    assertThat(direct.values().length).isEqualTo(imageIo.values().length);
    for (int c = 0; c < direct.values().length; c++) {
      assertThat(Arrays.equals(direct.values()[c], imageIo.values()[c])).as("plane " + c).isTrue();
    }
  }

  @Test
  void everySupportedLayoutDecodesAsImageIoDoes() throws Exception {
    assertSameAsImageIo(fill(new BufferedImage(31, 17, BufferedImage.TYPE_BYTE_GRAY)));
    assertSameAsImageIo(fill(new BufferedImage(20, 9, BufferedImage.TYPE_USHORT_GRAY)));
    assertSameAsImageIo(fill(new BufferedImage(13, 11, BufferedImage.TYPE_3BYTE_BGR)));
    assertSameAsImageIo(fill(new BufferedImage(12, 12, BufferedImage.TYPE_4BYTE_ABGR)));
    assertSameAsImageIo(fill(custom(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE, 10, 7)));
    assertSameAsImageIo(fill(custom(ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT, 9, 8)));
    assertSameAsImageIo(fill(custom(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT, 5, 6)));
    assertSameAsImageIo(fill(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY)));
  }

  @Test
  void paletteImagesAreLeftToImageIo() {
    byte[] png = Png.encode(fill(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED)));
    assertThat(PngDecoder.header(png).supported()).isFalse();
    assertThat(PngDecoder.header(new byte[] {1, 2, 3})).isNull();
  }

  @Test
  void truncatedDataIsReportedNotGuessed() {
    byte[] png = Png.encode(fill(new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY)));
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    assertThatThrownBy(() -> PngDecoder.decode(truncated, PngDecoder.header(truncated)))
        .isInstanceOf(PngDecoder.CorruptPngException.class).hasMessageContaining("truncated");
  }
}
