package io.latentforge.schema;

/** What an input corpus holds. */
public enum CorpusKind {
  IMAGE, TEXT
}
