package io.latentforge.jobs;

import io.latentforge.schema.CorpusKind;
import picocli.CommandLine.Option;

/** The corpus a job reads and the output root it publishes under. */
public final class CorpusOptions {

  @Option(names = "--kind", required = true, paramLabel = "image|text", converter = KindConverter.class,
      description = "What the corpus holds.")
  CorpusKind kind;

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "Parquet corpus (file or directory, any Hadoop file system).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "OUT",
      description = "Output root: codes/, rejects/, models/, reports/ are written under it.")
  String output;

  String kindName() {
    return KindConverter.name(kind);
  }
}
