package io.latentforge.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How far apart two representations' mean scores are on the same queries, and how sure: the
 * percentile interval of the mean difference over resamples of the queries (a paired bootstrap, as
 * information-retrieval evaluations compare systems). Pairing matters: two representations of the
 * same rows succeed and fail on many of the same queries, so their difference varies less from one
 * resample to the next than either score does.
 */
public final class PairedBootstrap {

  /** Resamples: enough for the 2.5 and 97.5 percentiles to move by less than their last printed digit. */
  public static final int RESAMPLES = 2000;

  /** The mean of {@code a - b} and its central 95% interval. */
  public record Difference(double mean, double low, double high) {

    /** Whether the interval excludes zero, on either side. */
    public boolean clear() {
      return low > 0 || high < 0;
    }

    /** {@code +0.018 (+0.011 to +0.025) *}: the star when the interval excludes zero. */
    public String text() {
      return String.format(Locale.ROOT, "%+.3f (%+.3f to %+.3f)%s", mean, low, high, clear() ? " *" : "");
    }
  }

  private PairedBootstrap() {}

  /**
   * {@code a[i] - b[i]} averaged over queries drawn with replacement, {@link #RESAMPLES} times from
   * a fixed seed (the same interval for the same scores).
   */
  public static Difference difference(float[] a, float[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("paired scores need the same queries: " + a.length + " and " + b.length);
    }
    int n = a.length;
    double[] d = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      d[i] = a[i] - b[i];
      total += d[i];
    }
    SplittableRandom random = new SplittableRandom(20061004L);
    double[] means = new double[RESAMPLES];
    for (int r = 0; r < RESAMPLES; r++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += d[random.nextInt(n)];
      }
      means[r] = sum / n;
    }
    Arrays.sort(means);
    return new Difference(total / n, means[(int) (0.025 * RESAMPLES)], means[(int) (0.975 * RESAMPLES) - 1]);
  }
}
