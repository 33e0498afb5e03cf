package io.latentforge.train;

import io.latentforge.config.TrainSettings;
import io.latentforge.model.EpochMetrics;
import java.util.List;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate by iteration: a linear warm-up from 0, then constant or a cosine decay to
 * {@code minFraction} of the rate by {@code totalIterations}, times {@code scale} (what plateaus
 * have left of the rate). DL4J's updaters ask it with the network's iteration count, which
 * parameter averaging carries from round to round in the broadcast configuration.
 *
 * <p>It lives in the network's configuration only while training: the trainer sets a constant
 * rate before it returns, so saved models name no class of ours.
 */
public final class LearningRateSchedule implements ISchedule {

  private static final long serialVersionUID = 1L;

  @JsonProperty private final double base;
  @JsonProperty private final int warmupIterations;
  @JsonProperty private final int totalIterations;
  @JsonProperty private final boolean cosine;
  @JsonProperty private final double minFraction;
  @JsonProperty private final double scale;

  @JsonCreator
  public LearningRateSchedule(@JsonProperty("base") double base, @JsonProperty("warmupIterations") int warmupIterations,
      @JsonProperty("totalIterations") int totalIterations, @JsonProperty("cosine") boolean cosine,
      @JsonProperty("minFraction") double minFraction, @JsonProperty("scale") double scale) {
    this.base = base;
    this.warmupIterations = warmupIterations;
    this.totalIterations = totalIterations;
    this.cosine = cosine;
    this.minFraction = minFraction;
    this.scale = scale;
  }

  /**
   * The schedule of a run.
   *
   * @param iterationsPerEpoch updater steps per epoch as the network counts them
   * @param history the epochs so far (a resumed run continues their plateaus)
   */
  static LearningRateSchedule of(TrainSettings settings, int iterationsPerEpoch, List<EpochMetrics> history) {
    TrainSettings.Schedule s = settings.optimizer().schedule();
    int total = Math.max(1, settings.epochs() * iterationsPerEpoch);
    // A short run is not spent warming up: at most a tenth of it.
    int warmup = (int) Math.min(Math.round(s.warmupEpochs() * iterationsPerEpoch), total / 10);
    return new LearningRateSchedule(settings.optimizer().learningRate(), warmup, total,
        s.kind() == TrainSettings.ScheduleKind.COSINE,
        s.minFraction(), plateauScale(s, history));
  }

  /**
   * What plateaus leave of the rate after {@code history}: {@code plateauFactor} for every
   * {@code plateauPatience} validated epochs in a row without a better validation error.
   */
  static double plateauScale(TrainSettings.Schedule s, List<EpochMetrics> history) {
    if (s.kind() != TrainSettings.ScheduleKind.PLATEAU) {
      return 1;
    }
    double scale = 1;
    double best = Double.POSITIVE_INFINITY;
    int without = 0;
    for (EpochMetrics m : history) {
      if (!m.validated()) {
        continue;
      }
      if (m.validationLoss() < best) {
        best = m.validationLoss();
        without = 0;
      } else if (++without >= s.plateauPatience()) {
        scale *= s.plateauFactor();
        without = 0;
      }
    }
    return scale;
  }

  double scale() {
    return scale;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    double warm = iteration < warmupIterations ? (iteration + 1) / (double) (warmupIterations + 1) : 1;
    double shape = 1;
    if (cosine) {
      double t = Math.min(1, Math.max(0, (iteration - warmupIterations) / (double) Math.max(1, totalIterations - warmupIterations)));
      shape = minFraction + (1 - minFraction) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
    return base * scale * warm * shape;
  }

  /**
   * Value equality matters: DL4J groups parameters into updater blocks by equal updater
   * configurations. Layers read back from a saved model each hold their own schedule object; with
   * identity equality they fell into one block per layer while the saved state was laid out as one
   * block, so a resumed run read Adam's moments misaligned and diverged at once.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof LearningRateSchedule s && s.base == base && s.warmupIterations == warmupIterations
        && s.totalIterations == totalIterations && s.cosine == cosine && s.minFraction == minFraction
        && s.scale == scale;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(base, warmupIterations, totalIterations, cosine, minFraction, scale);
  }

  @Override
  public ISchedule clone() {
    return new LearningRateSchedule(base, warmupIterations, totalIterations, cosine, minFraction, scale);
  }
}
