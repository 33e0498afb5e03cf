package io.latentforge.jobs;

import io.latentforge.schema.CorpusKind;
import java.util.Locale;
import picocli.CommandLine;

/** {@code image|text} to {@link CorpusKind}, with the valid values in the error. */
public final class KindConverter implements CommandLine.ITypeConverter<CorpusKind> {
  @Override
  public CorpusKind convert(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "image" -> CorpusKind.IMAGE;
      case "text" -> CorpusKind.TEXT;
      default -> throw new CommandLine.TypeConversionException("'" + value + "' is not a corpus kind; use image or text");
    };
  }

  static String name(CorpusKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
