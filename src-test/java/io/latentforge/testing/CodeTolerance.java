package io.latentforge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

/**
 * What the product promises when the same model encodes the same row twice in different runs:
 * the same code up to float rounding. Rows sit in batches of other sizes, so BLAS picks other
 * kernels and summation orders, and the last bits differ (README, "encode --model"). Bit-exact
 * equality is asserted only where the batches and thread counts are the same.
 */
public final class CodeTolerance {

  /** Each value within this fraction of the code's largest magnitude (floats carry about 7 digits). */
  public static final double RELATIVE = 1e-5;

  private CodeTolerance() {}

  /** {@code actual} equals {@code expected} up to {@link #RELATIVE} of the expected code's largest magnitude. */
  public static void assertSameCode(String what, List<Float> actual, List<Float> expected) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    float scale = 0;
    for (float v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    // Codes of all zeros (a dead code layer) still compare with a small absolute tolerance.
    float tolerance = (float) (RELATIVE * Math.max(scale, 1e-3f));
    for (int k = 0; k < expected.size(); k++) {
      assertThat(actual.get(k)).as("%s, value %d of %s against %s", what, k, actual, expected)
          .isCloseTo(expected.get(k), within(tolerance));
    }
  }
}
