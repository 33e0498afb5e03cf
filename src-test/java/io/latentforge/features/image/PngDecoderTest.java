package io.latentforge.features.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
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

  /** Rows written with each of the five filter types in turn (ImageIO's writer chooses its own). */
  @Test
  void everyRowFilterIsUndone() throws Exception {
    for (int[] layout : new int[][] {{0, 8}, {2, 8}, {6, 16}}) {
      byte[] png = pngWithEveryFilter(23, 11, layout[0], layout[1]);
      PngDecoder.Header header = PngDecoder.header(png);
      ImageDecoder.Planes direct = PngDecoder.decode(png, header);
      ImageDecoder.Planes imageIo = ImageDecoder.planes(ImageIO.read(new ByteArrayInputStream(png)));
      for (int c = 0; c < direct.values().length; c++) {
        assertThat(Arrays.equals(direct.values()[c], imageIo.values()[c])).as("colour type " + layout[0] + " plane " + c).isTrue();
      }
    }
  }

  /** A PNG of random samples whose row {@code y} is filtered with type {@code y % 5}. */
  private static byte[] pngWithEveryFilter(int width, int height, int colourType, int bitDepth) throws Exception {
    int samples = colourType == 0 ? 1 : colourType == 2 ? 3 : 4;
    int bpp = samples * bitDepth / 8;
    int rowBytes = width * bpp;
    byte[][] rows = new byte[height][rowBytes];
    ByteArrayOutputStream filtered = new ByteArrayOutputStream();
    for (int y = 0; y < height; y++) {
      RANDOM.nextBytes(rows[y]);
      int type = y % 5;
      filtered.write(type);
      for (int i = 0; i < rowBytes; i++) {
        int a = i >= bpp ? rows[y][i - bpp] & 0xff : 0;
        int b = y > 0 ? rows[y - 1][i] & 0xff : 0;
        int c = i >= bpp && y > 0 ? rows[y - 1][i - bpp] & 0xff : 0;
        int p = a + b - c;
        int paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a
            : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
        int predictor = new int[] {0, a, b, (a + b) >>> 1, paeth}[type];
        filtered.write((rows[y][i] - predictor) & 0xff);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(png);
    out.writeLong(0x89504E470D0A1A0AL);
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType);
    chunk(out, "IHDR", ihdr.array());
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(idat)) {
      z.write(filtered.toByteArray());
    }
    chunk(out, "IDAT", idat.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws Exception {
    CRC32 crc = new CRC32();
    crc.update(type.getBytes(StandardCharsets.US_ASCII));
    crc.update(data);
    out.writeInt(data.length);
    out.writeBytes(type);
    out.write(data);
    out.writeInt((int) crc.getValue());
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
