package io.latentforge.config;

import java.io.Serializable;

/** Parameter-averaging training settings; see conf/latentforge.conf for each. */
public record TrainSettings(int epochs, int batchSizePerWorker, int averagingFrequency, int workers,
    double learningRate, long seed) implements Serializable {}
