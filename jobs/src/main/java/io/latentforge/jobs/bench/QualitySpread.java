package io.latentforge.jobs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * One corpus's quality runs at several seeds, summarized. A run's bootstrap interval covers the
 * sampling of the held-out queries only; the seed (initial weights, minibatches, held-out rows) moves
 * the codes' lead over a baseline by as much again, so defaults are compared over seeds.
 *
 * @param versus one entry per baseline the runs scored, in the table's order
 */
public record QualitySpread(String corpus, Range codesPrecisionAt10, Range reconVsPca, Range seconds,
    List<Versus> versus) {

  /** A figure over the runs: median (the mean of the middle two for an even count), lowest and highest. */
  public record Range(double median, double min, double max) {

    static Range of(double[] values) {
      return new Range(Median.of(values), Arrays.stream(values).min().orElseThrow(),
          Arrays.stream(values).max().orElseThrow());
    }

    /** {@code format} applied to the median, then to the range: {@code +0.022 (+0.016 to +0.044)}. */
    public String text(String format) {
      return String.format(Locale.ROOT, format + " (" + format + " to " + format + ")", median, min, max);
    }
  }

  /**
   * The codes against one baseline over the runs.
   *
   * @param clearlyAbove runs whose interval for the codes' P@10 minus the baseline's lies above 0
   * @param clearlyBelow runs whose interval lies below 0
   */
  public record Versus(String baseline, Range precisionAt10, int clearlyAbove, int clearlyBelow, Range nmi) {}

  /** The summary of {@code runs}, all on one corpus; null when they were not evaluated (no labels). */
  public static QualitySpread of(List<QualityBench.Corpus> runs) {
    List<QualityBench.Corpus> scored = runs.stream().filter(r -> r.scores().containsKey("codes")).toList();
    if (scored.isEmpty()) {
      return null;
    }
    List<Versus> versus = new ArrayList<>();
    for (String baseline : QualityBench.REPRESENTATIONS) {
      if (scored.stream().allMatch(r -> r.scores().containsKey(baseline)
          && r.scores().get(baseline).codesMinusThis() != null)) {
        versus.add(versus(scored, baseline));
      }
    }
    return new QualitySpread(scored.get(0).name(),
        range(scored, r -> r.scores().get("codes").precisionAt10()),
        range(scored, r -> Objects.requireNonNullElse(r.scores().get("codes").reconVsPca(), Double.NaN)),
        range(scored, QualityBench.Corpus::seconds), versus);
  }

  private static Versus versus(List<QualityBench.Corpus> runs, String baseline) {
    int above = 0;
    int below = 0;
    for (QualityBench.Corpus r : runs) {
      var d = r.scores().get(baseline).codesMinusThis();
      if (d.clear()) {
        above += d.mean() > 0 ? 1 : 0;
        below += d.mean() < 0 ? 1 : 0;
      }
    }
    return new Versus(baseline, range(runs, r -> r.scores().get(baseline).codesMinusThis().mean()), above, below,
        range(runs, r -> r.scores().get("codes").kmeansNmi() - r.scores().get(baseline).kmeansNmi()));
  }

  private static Range range(List<QualityBench.Corpus> runs, ToDoubleFunction<QualityBench.Corpus> figure) {
    return Range.of(runs.stream().mapToDouble(figure).toArray());
  }
}
