package io.latentforge.config;

/** How codes are computed; see {@code encode} in conf/latentforge.conf. */
public record EncodeSettings(int batchSize) {}
