package io.latentforge.jobs;

import io.latentforge.run.RunResult;
import io.latentforge.train.EpochMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/** The short human-readable account of a run printed at its end. */
final class Summary {

  private Summary() {}

  static void print(PrintWriter out, String kind, String runDate, RunResult r, long startNanos) {
    out.printf(Locale.ROOT, "%s run %s: model %s%n", kind, runDate, r.modelId());
    out.printf(Locale.ROOT, "  rows read        %d%n", r.rowsRead());
    out.printf(Locale.ROOT, "  rows featurized  %d (%d features per row)%n", r.rowsFeaturized(), r.inputSize());
    out.printf(Locale.ROOT, "  rows rejected    %d %s%n", r.rowsRejected(), r.rejectsByReason().isEmpty() ? "" : r.rejectsByReason());
    if (!r.epochs().isEmpty()) {
      StringBuilder losses = new StringBuilder();
      for (EpochMetrics e : r.epochs()) {
        losses.append(String.format(Locale.ROOT, " %d:%.4f", e.epoch(), e.trainingLoss()));
      }
      out.printf(Locale.ROOT, "  loss per epoch  %s%n", losses);
      EpochMetrics last = r.epochs().get(r.epochs().size() - 1);
      if (last.validated()) {
        StringBuilder validation = new StringBuilder();
        for (EpochMetrics e : r.epochs()) {
          validation.append(String.format(Locale.ROOT, " %d:%.4f", e.epoch(), e.validationError()));
        }
        out.printf(Locale.ROOT, "  validation error%s%n", validation);
      }
    }
    out.printf(Locale.ROOT, "  recon error      %.4f per row (predicting the mean input: %.4f)%n", r.meanReconError(),
        r.meanBaselineError());
    out.printf(Locale.ROOT, "  codes            %s/run_date=%s (%d floats per row)%n", r.codesPath(), runDate, r.codeSize());
    out.printf(Locale.ROOT, "  rejects          %s/run_date=%s%n", r.rejectsPath(), runDate);
    out.printf(Locale.ROOT, "  model            %s%n", r.modelPath());
    out.printf(Locale.ROOT, "  took             %.0f s%n", (System.nanoTime() - startNanos) / 1e9);
  }
}
