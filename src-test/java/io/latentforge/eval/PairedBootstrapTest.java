package io.latentforge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paired bootstrap's interval: where the mean difference of two score lists can be. */
class PairedBootstrapTest {

  private static float[] scores(Random random, int n, double p) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      int hits = 0;
      for (int k = 0; k < 10; k++) {
        hits += random.nextDouble() < p ? 1 : 0;
      }
      out[i] = hits / 10f;
    }
    return out;
  }

  @Test
  void aConstantDifferenceHasNoSpread() {
    float[] b = scores(new Random(1), 500, 0.4);
    float[] a = b.clone();
    for (int i = 0; i < a.length; i++) {
      a[i] += 0.1f;
    }
    PairedBootstrap.Difference d = PairedBootstrap.difference(a, b);
    assertThat(d.mean()).isCloseTo(0.1, within(1e-6));
    assertThat(d.low()).isCloseTo(0.1, within(1e-6));
    assertThat(d.high()).isCloseTo(0.1, within(1e-6));
    assertThat(d.clear()).isTrue();
  }

  @Test
  void pairingSeesASmallGainThatTwoIndependentSpreadsWouldHide() {
    // b: a's queries with one in ten gaining a relevant neighbour (+0.1): a gain of 0.01 on average,
    // smaller than either list's own 95% sampling spread (about +-0.007 on 2,000 queries).
    Random random = new Random(7);
    float[] a = scores(random, 2000, 0.45);
    float[] b = a.clone();
    for (int i = 0; i < b.length; i++) {
      if (random.nextInt(10) == 0 && b[i] < 1) {
        b[i] += 0.1f;
      }
    }
    PairedBootstrap.Difference d = PairedBootstrap.difference(b, a);
    assertThat(d.mean()).isBetween(0.008, 0.012);
    assertThat(d.low()).isGreaterThan(0);
    assertThat(d.high()).isGreaterThan(d.mean());
    assertThat(d.clear()).isTrue();
  }

  @Test
  void twoDrawsOfTheSameQualityGiveAnIntervalAroundZero() {
    Random random = new Random(3);
    PairedBootstrap.Difference d = PairedBootstrap.difference(scores(random, 2000, 0.45), scores(random, 2000, 0.45));
    assertThat(d.low()).isNegative();
    assertThat(d.high()).isPositive();
    assertThat(d.clear()).isFalse();
    // Two independent lists of 2,000 binomial(10, 0.45) / 10: the difference's standard error is
    // sqrt(2 * 0.45 * 0.55 / 10 / 2000) = 0.0050, so the interval is about 2 * 1.96 * 0.0050 = 0.0195 wide.
    assertThat(d.high() - d.low()).isCloseTo(0.0195, within(0.003));
  }

  @Test
  void listsOfDifferentQueriesAreRefused() {
    assertThatThrownBy(() -> PairedBootstrap.difference(new float[3], new float[4]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same queries");
  }
}
