package io.latentforge.config;

/**
 * {@code publish.gates}: what a run must show, against the previous code partition, to publish;
 * each is off (null) or a limit. A run that fails one is kept in {@code OUT/_audit/} (exit 7) until
 * {@code promote} publishes it. The reject fraction's gate is {@code input.max-reject-fraction}.
 *
 * @param maxReconErrorRatio tonight's model's mean loss on the held-out rows over the previous model's
 * @param minNeighborOverlap the share of a kept row's 10 neighbours that stay its neighbours
 * @param minPrecisionRatio evaluation's precision at 10 of the codes over the previous run's (labels needed)
 */
public record GateSettings(Double maxReconErrorRatio, Double minNeighborOverlap, Double minPrecisionRatio) {

  public static final GateSettings OFF = new GateSettings(null, null, null);

  static GateSettings from(ConfigReader r) {
    return new GateSettings(r.positiveOrOff("max-recon-error-ratio"), r.positiveOrOff("min-neighbor-overlap"),
        r.positiveOrOff("min-precision-ratio"));
  }
}
