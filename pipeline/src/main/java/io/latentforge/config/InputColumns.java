package io.latentforge.config;

import java.io.Serializable;

/** Column names of the input corpus. */
public record InputColumns(String id, String image, String text, String label) implements Serializable {}
