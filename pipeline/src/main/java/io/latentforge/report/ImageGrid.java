package io.latentforge.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Rows of images side by side (e.g. inputs over reconstructions), each image scaled to its own
 * range for display and enlarged by pixel repetition.
 */
final class ImageGrid {

  private static final int GAP = 4;

  private ImageGrid() {}

  /** @param rows each a list of flattened CHW images of {@code channels x height x width} */
  static byte[] png(float[][][] rows, int channels, int height, int width) {
    int columns = rows[0].length;
    int scale = Math.max(1, 96 / Math.max(height, width));
    int cellW = width * scale + GAP;
    int cellH = height * scale + GAP;
    BufferedImage grid = new BufferedImage(columns * cellW + GAP, rows.length * cellH + GAP, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < grid.getWidth(); x++) {
      for (int y = 0; y < grid.getHeight(); y++) {
        grid.setRGB(x, y, 0xFFFFFF);
      }
    }
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < columns; c++) {
        draw(grid, rows[r][c], channels, height, width, scale, GAP + c * cellW, GAP + r * cellH);
      }
    }
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(grid, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write image grid", e);
    }
  }

  private static void draw(BufferedImage into, float[] image, int channels, int height, int width, int scale, int left,
      int top) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : image) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float range = max > min ? max - min : 1f;
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int[] rgb = new int[3];
        for (int ch = 0; ch < 3; ch++) {
          float v = image[(channels == 3 ? ch : 0) * plane + y * width + x];
          rgb[ch] = Math.round(255 * Math.min(1f, Math.max(0f, (v - min) / range)));
        }
        int color = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            into.setRGB(left + x * scale + dx, top + y * scale + dy, color);
          }
        }
      }
    }
  }
}
