package io.latentforge.config;

import java.io.Serializable;

/**
 * How the input corpus is read: its column names, and the limits that guard a run against bad
 * input (see {@code input} in conf/latentforge.conf).
 */
public record InputSettings(String id, String image, String text, String label, long maxImagePixels,
    double maxRejectFraction) implements Serializable {}
