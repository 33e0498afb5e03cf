package io.latentforge.features.image;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A direct decoder for the PNGs corpora mostly hold: non-interlaced, 8 or 16 bits per sample,
 * gray, gray+alpha, RGB or RGBA. It inflates the image data and undoes the row filters straight
 * into colour planes, several times faster than ImageIO on small images (no reader lookup, stream
 * or BufferedImage). Anything else (palette, 1-4 bit samples, interlacing) returns null, for
 * ImageIO to decode. Values equal ImageIO's raw samples scaled to [0,1]; alpha is dropped.
 */
final class PngDecoder {

  private static final long SIGNATURE = 0x89504E470D0A1A0AL;
  private static final int IHDR = 0x49484452;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454E44;

  /**
   * Room beyond the image data: zlib's fast decoding loop runs only while at least 258 bytes of
   * output are free, so without it the last rows of a small image decode byte by byte.
   */
  private static final int SLACK = 258;

  /** Buffers of at most this many elements are kept per thread for the next image; larger ones are not. */
  private static final int KEPT = 1 << 20;
  /** This thread's inflater, image data and colour planes, reused while images keep their size. */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private static final class Buffers {
    /** Reset for each image: creating and ending one per image cost as much as inflating a small image. */
    private final Inflater inflater = new Inflater();
    private byte[] raw = new byte[0];
    private float[][] planes = new float[0][];

    byte[] raw(int length) {
      if (raw.length >= length) {
        return raw;
      }
      byte[] fresh = new byte[length];
      return length <= KEPT ? (raw = fresh) : fresh;
    }

    float[][] planes(int colour, int pixels) {
      if (planes.length == colour && planes[0].length == pixels) {
        return planes;
      }
      float[][] fresh = new float[colour][pixels];
      return (long) colour * pixels <= KEPT ? (planes = fresh) : fresh;
    }
  }

  private PngDecoder() {}

  /** Thrown for a PNG this decoder supports but cannot read: truncated or corrupt data. */
  static final class CorruptPngException extends Exception {
    CorruptPngException(String message) {
      super(message);
    }
  }

  /** The header's dimensions, read before any pixel data. */
  record Header(int width, int height, int bitDepth, int colourType, boolean interlaced) {
    int samples() {
      return switch (colourType) {
        case 0 -> 1;
        case 2 -> 3;
        case 4 -> 2;
        case 6 -> 4;
        default -> 0;
      };
    }

    boolean supported() {
      return !interlaced && width > 0 && height > 0 && samples() > 0 && (bitDepth == 8 || bitDepth == 16);
    }
  }

  static boolean isPng(byte[] bytes) {
    return bytes.length >= 8 && ByteBuffer.wrap(bytes).getLong(0) == SIGNATURE;
  }

  /** The IHDR of a PNG, or null when the bytes do not start with one. */
  static Header header(byte[] bytes) {
    if (!isPng(bytes) || bytes.length < 33) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getInt(12) != IHDR) {
      return null;
    }
    return new Header(in.getInt(16), in.getInt(20), bytes[24] & 0xff, bytes[25] & 0xff, bytes[28] != 0);
  }

  /**
   * Colour planes of a supported PNG (its header already checked for size), or null if unsupported.
   * The planes are this thread's buffers: read them before its next call. Decoding a corpus then
   * allocates nothing per image; the allocations cost 12% of a one-pass encode at two task threads.
   */
  static ImageDecoder.Planes decode(byte[] bytes, Header header) throws CorruptPngException {
    if (!header.supported()) {
      return null;
    }
    int bytesPerSample = header.bitDepth() / 8;
    int pixelBytes = header.samples() * bytesPerSample;
    int rowBytes = header.width() * pixelBytes;
    byte[] raw = inflate(bytes, (long) header.height() * (rowBytes + 1));
    unfilter(raw, header.height(), rowBytes, pixelBytes);
    int colour = header.samples() >= 3 ? 3 : 1;
    int pixels = header.width() * header.height();
    float[][] planes = BUFFERS.get().planes(colour, pixels);
    float max = bytesPerSample == 1 ? 255f : 65535f;
    for (int y = 0; y < header.height(); y++) {
      int row = y * (rowBytes + 1) + 1;
      for (int x = 0; x < header.width(); x++) {
        int at = row + x * pixelBytes;
        for (int c = 0; c < colour; c++) {
          int s = at + c * bytesPerSample;
          int v = bytesPerSample == 1 ? raw[s] & 0xff : ((raw[s] & 0xff) << 8) | (raw[s + 1] & 0xff);
          planes[c][y * header.width() + x] = v / max;
        }
      }
    }
    return new ImageDecoder.Planes(planes, header.width(), header.height());
  }

  /** Concatenated IDAT chunks through zlib: at least {@code expected} bytes, anything after them ignored. */
  private static byte[] inflate(byte[] bytes, long expected) throws CorruptPngException {
    if (expected > Integer.MAX_VALUE - 8 - SLACK) {
      throw new CorruptPngException("image data of " + expected + " bytes is too large");
    }
    Buffers buffers = BUFFERS.get();
    byte[] out = buffers.raw((int) expected + SLACK);
    Inflater inflater = buffers.inflater;
    inflater.reset();
    ByteBuffer chunks = ByteBuffer.wrap(bytes);
    try {
      int produced = 0;
      int at = 8;
      while (at + 8 <= bytes.length) {
        int length = chunks.getInt(at);
        int type = chunks.getInt(at + 4);
        if (length < 0 || at + 12L + length > bytes.length) {
          throw new CorruptPngException("truncated chunk at byte " + at);
        }
        if (type == IDAT) {
          inflater.setInput(bytes, at + 8, length);
          while (!inflater.needsInput() && !inflater.finished() && produced < out.length) {
            produced += inflater.inflate(out, produced, out.length - produced);
          }
        } else if (type == IEND) {
          break;
        }
        at += 12 + length;
      }
      if (produced < expected) {
        throw new CorruptPngException("image data ends after " + produced + " of " + expected + " bytes");
      }
      return out;
    } catch (DataFormatException e) {
      throw new CorruptPngException("corrupt image data: " + e.getMessage());
    }
  }

  /** Undoes each row's filter (none, sub, up, average, Paeth) in place. */
  private static void unfilter(byte[] raw, int height, int rowBytes, int bpp) throws CorruptPngException {
    int stride = rowBytes + 1;
    for (int y = 0; y < height; y++) {
      int row = y * stride + 1;
      int prior = row - stride;
      int filter = raw[row - 1];
      for (int i = 0; i < rowBytes; i++) {
        int a = i >= bpp ? raw[row + i - bpp] & 0xff : 0;
        int b = y > 0 ? raw[prior + i] & 0xff : 0;
        int c = i >= bpp && y > 0 ? raw[prior + i - bpp] & 0xff : 0;
        int predictor = switch (filter) {
          case 0 -> 0;
          case 1 -> a;
          case 2 -> b;
          case 3 -> (a + b) >>> 1;
          case 4 -> paeth(a, b, c);
          default -> throw new CorruptPngException("unknown row filter " + filter + " in row " + y);
        };
        raw[row + i] = (byte) (raw[row + i] + predictor);
      }
    }
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
}
