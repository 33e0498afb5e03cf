package io.latentforge.jobs;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Parses --run-date strictly as an ISO date, so a typo cannot publish under a wrong partition. */
public final class RunDateConverter implements CommandLine.ITypeConverter<LocalDate> {
  @Override
  public LocalDate convert(String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a date in the form YYYY-MM-DD");
    }
  }
}
