package io.latentforge.features.image;

import io.latentforge.config.ImageFeatures;
import io.latentforge.schema.RejectReason;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.spark.sql.Row;

/**
 * Turns an image into a feature vector: decoded ({@link PngDecoder} for common PNGs, ImageIO for
 * the rest: PNG, JPEG, GIF, BMP; 8- or 16-bit; grayscale, colour or palette), or taken from Spark's image data source (BGR bytes), then
 * resized to the configured size ({@link Resize}), converted to the configured channels (BT.601
 * luma for grayscale, gray replicated for RGB, alpha dropped) and scaled to [0,1]. The vector is
 * channel-major (CHW), the layout DL4J's convolution layers expect.
 */
public final class ImageDecoder implements Serializable {

  /** Each thread's features for {@link #decodeReusing}. */
  private static final ThreadLocal<double[]> FEATURES = ThreadLocal.withInitial(() -> new double[0]);

  private final ImageFeatures spec;
  private final long maxPixels;

  public ImageDecoder(ImageFeatures spec, long maxPixels) {
    this.spec = spec;
    this.maxPixels = maxPixels;
  }
  /** The size, channels and geometry of the features this decoder makes. */
  public ImageFeatures spec() {
    return spec;
  }


  /** A row that cannot become features: its reject reason and detail. */
  public static final class RejectedImageException extends Exception {
    private final RejectReason reason;

    RejectedImageException(RejectReason reason, String detail) {
      super(detail);
      this.reason = reason;
    }

    public RejectReason reason() {
      return reason;
    }
  }

  /**
   * The corpus's content column in either form it takes: encoded bytes, or Spark's image data
   * source struct ({@code height, width, nChannels, data}).
   */
  public double[] decodeContent(Object content) throws RejectedImageException {
    if (content instanceof Row r) {
      return fromSparkImage(r.getInt(0), r.getInt(1), r.getInt(2), (byte[]) r.get(3));
    }
    return decode((byte[]) content);
  }

  /** Encoded bytes. The size is read from the header first, so a decompression bomb is never decoded. */
  public double[] decode(byte[] bytes) throws RejectedImageException {
    return toFeatures(planes(bytes), new double[spec.size()]);
  }

  /**
   * As {@link #decode}, into an array this thread reuses: its values are valid until the thread's
   * next call. For a loop that copies each image's features elsewhere (a batch), so that decoding
   * allocates nothing per image.
   */
  public double[] decodeReusing(byte[] bytes) throws RejectedImageException {
    double[] features = FEATURES.get();
    return toFeatures(planes(bytes), features.length == spec.size() ? features : reuse(new double[spec.size()]));
  }

  private static double[] reuse(double[] features) {
    FEATURES.set(features);
    return features;
  }

  private Planes planes(byte[] bytes) throws RejectedImageException {
    if (bytes.length == 0) {
      throw undecodable("empty image bytes");
    }
    PngDecoder.Header png = PngDecoder.header(bytes);
    if (png != null && png.supported()) {
      checkSize(png.width(), png.height());
      try {
        return PngDecoder.decode(bytes, png);
      } catch (PngDecoder.CorruptPngException | RuntimeException e) {
        throw undecodable("cannot decode " + bytes.length + " bytes of PNG: " + e.getMessage());
      }
    }
    // A memory-backed stream directly: ImageIO.createImageInputStream searches its providers on
    // every call and, by default, backs the stream with a temporary file.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw undecodable("not a PNG, JPEG, GIF or BMP image (" + bytes.length + " bytes)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        checkSize(reader.getWidth(0), reader.getHeight(0));
        return planes(reader.read(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw undecodable("cannot decode " + bytes.length + " bytes: " + e.getMessage());
    }
  }

  /** A row of Spark's image data source: row-major bytes in B, G, R(, A) order. */
  public double[] fromSparkImage(int height, int width, int channels, byte[] data) throws RejectedImageException {
    if (data == null || height <= 0 || width <= 0 || channels < 1 || data.length != height * width * channels) {
      throw undecodable("invalid image data source row: " + height + "x" + width + "x" + channels + ", "
          + (data == null ? "no" : data.length) + " bytes");
    }
    checkSize(width, height);
    int colour = channels >= 3 ? 3 : 1;
    float[][] planes = new float[colour][height * width];
    for (int i = 0; i < height * width; i++) {
      for (int c = 0; c < colour; c++) {
        // BGR(A) to RGB planes.
        int source = colour == 3 ? 2 - c : c;
        planes[c][i] = (data[i * channels + source] & 0xff) / 255f;
      }
    }
    return toFeatures(new Planes(planes, width, height), new double[spec.size()]);
  }

  private void checkSize(int width, int height) throws RejectedImageException {
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new RejectedImageException(RejectReason.IMAGE_TOO_LARGE, width + "x" + height + " = " + pixels
          + " pixels, above input.max-image-pixels = " + maxPixels);
    }
  }

  private static RejectedImageException undecodable(String detail) {
    return new RejectedImageException(RejectReason.UNDECODABLE_IMAGE, detail);
  }

  /** Colour planes of an image, each value in [0,1]: one plane for gray, three for RGB. */
  record Planes(float[][] values, int width, int height) {}

  static Planes planes(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof ComponentColorModel && (cm.getNumColorComponents() == 1 || cm.getNumColorComponents() == 3)) {
      // Raw samples at their own bit depth (8 or 16): no colour-space conversion of gray levels.
      int colour = cm.getNumColorComponents();
      float[][] planes = new float[colour][w * h];
      for (int c = 0; c < colour; c++) {
        float max = (1 << cm.getComponentSize(c)) - 1;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            planes[c][y * w + x] = raster.getSample(x, y, c) / max;
          }
        }
      }
      return new Planes(planes, w, h);
    }
    // Palette and packed layouts: ImageIO's own conversion to 8-bit RGB.
    float[][] planes = new float[3][w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = image.getRGB(x, y);
        planes[0][y * w + x] = ((p >> 16) & 0xff) / 255f;
        planes[1][y * w + x] = ((p >> 8) & 0xff) / 255f;
        planes[2][y * w + x] = (p & 0xff) / 255f;
      }
    }
    return new Planes(planes, w, h);
  }

  /** {@code source} resized and converted to the configured channels, into {@code out}. */
  private double[] toFeatures(Planes source, double[] out) {
    int size = spec.height() * spec.width();
    float[][] resized = new float[source.values().length][];
    for (int c = 0; c < resized.length; c++) {
      resized[c] = Resize.plane(source.values()[c], source.width(), source.height(), spec.width(), spec.height());
    }
    if (spec.channels() == 1 && resized.length == 3) {
      for (int i = 0; i < size; i++) {
        // ITU-R BT.601 luma.
        out[i] = 0.299 * resized[0][i] + 0.587 * resized[1][i] + 0.114 * resized[2][i];
      }
      return out;
    }
    // Planes copied in order: gray to gray, RGB to RGB, or gray replicated into each RGB plane.
    for (int c = 0; c < spec.channels(); c++) {
      float[] plane = resized[resized.length == 1 ? 0 : c];
      for (int i = 0; i < size; i++) {
        out[c * size + i] = plane[i];
      }
    }
    return out;
  }
}
