package io.latentforge.features.image;

/**
 * Resampling of one image plane: when shrinking by more than 2x along an axis, first averages
 * boxes of the integer factor (so no source pixel is skipped and fine detail does not alias),
 * then bilinear interpolation with pixel centres aligned (as OpenCV's INTER_LINEAR).
 */
final class Resize {

  private Resize() {}

  static float[] plane(float[] src, int w, int h, int targetW, int targetH) {
    int fx = Math.max(1, w / (2 * targetW));
    int fy = Math.max(1, h / (2 * targetH));
    if (fx > 1 || fy > 1) {
      src = boxAverage(src, w, h, fx, fy);
      w = w / fx;
      h = h / fy;
    }
    return w == targetW && h == targetH ? src : bilinear(src, w, h, targetW, targetH);
  }

  private static float[] boxAverage(float[] src, int w, int h, int fx, int fy) {
    int ow = w / fx;
    int oh = h / fy;
    float[] out = new float[ow * oh];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        double sum = 0;
        for (int dy = 0; dy < fy; dy++) {
          for (int dx = 0; dx < fx; dx++) {
            sum += src[(y * fy + dy) * w + x * fx + dx];
          }
        }
        out[y * ow + x] = (float) (sum / (fx * fy));
      }
    }
    return out;
  }

  private static float[] bilinear(float[] src, int w, int h, int ow, int oh) {
    float[] out = new float[ow * oh];
    double sx = (double) w / ow;
    double sy = (double) h / oh;
    for (int y = 0; y < oh; y++) {
      double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
      int y0 = (int) fy;
      int y1 = Math.min(y0 + 1, h - 1);
      double wy = fy - y0;
      for (int x = 0; x < ow; x++) {
        double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
        int x0 = (int) fx;
        int x1 = Math.min(x0 + 1, w - 1);
        double wx = fx - x0;
        double top = src[y0 * w + x0] * (1 - wx) + src[y0 * w + x1] * wx;
        double bottom = src[y1 * w + x0] * (1 - wx) + src[y1 * w + x1] * wx;
        out[y * ow + x] = (float) (top * (1 - wy) + bottom * wy);
      }
    }
    return out;
  }
}
