package io.latentforge.features.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResizeTest {

  @Test
  void sameSizeIsIdentity() {
    float[] src = {1, 2, 3, 4};
    assertThat(Resize.plane(src, 2, 2, 2, 2)).containsExactly(1, 2, 3, 4);
  }

  @Test
  void upscalingIsBilinearWithAlignedPixelCentres() {
    // 2 -> 4 pixels: centres at 0.25, 0.75 of a source pixel from its neighbours, clamped at the edges.
    float[] out = Resize.plane(new float[] {0, 1}, 2, 1, 4, 1);
    assertThat(out[0]).isCloseTo(0f, within(1e-6f));
    assertThat(out[1]).isCloseTo(0.25f, within(1e-6f));
    assertThat(out[2]).isCloseTo(0.75f, within(1e-6f));
    assertThat(out[3]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void largeReductionsAverageEveryPixel() {
    // A 1-pixel-wide line in an 8x8 image shrunk to 2x2 survives as 1/4 of its intensity,
    // where point sampling would keep it whole or lose it.
    float[] src = new float[64];
    for (int y = 0; y < 8; y++) {
      src[y * 8 + 1] = 1;
    }
    float[] out = Resize.plane(src, 8, 8, 2, 2);
    assertThat(out[0]).isCloseTo(0.25f, within(1e-6f));
    assertThat(out[2]).isCloseTo(0.25f, within(1e-6f));
    assertThat(out[1]).isZero();
  }
}
