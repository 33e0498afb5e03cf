package io.latentforge.train;

/** What one training epoch measured; recorded in model.json and printed in the run summary. */
public record EpochMetrics(int epoch, double trainingLoss, double seconds) {}
