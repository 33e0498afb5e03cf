package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.encode.RowCounts;
import io.latentforge.schema.CorpusKind;
import java.util.Locale;

/** Steps nightly and encode runs share. */
final class Runs {

  static final String GROUP = "latentforge";

  private Runs() {}

  static String kindName(CorpusKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** There must be rows, and some of them featurized, to train on or to encode. */
  static void requireFeaturized(RowCounts counts, String input) {
    if (counts.read() == 0) {
      throw LatentforgeException.badInput("The corpus at " + input + " has no rows.",
          "check --input; it must point at a non-empty corpus.");
    }
    if (counts.accepted() == 0) {
      throw LatentforgeException.badInput("None of the " + counts.read() + " rows of " + input
              + " could be featurized; rejects by reason: " + counts.rejectsByReason() + ".",
          "check the input against the data contract in the README.");
    }
  }

}
