package io.latentforge.jobs;

import io.latentforge.cluster.ClusterFigures;
import io.latentforge.eval.Evaluation;
import io.latentforge.eval.EvaluationFigures;
import io.latentforge.model.EpochMetrics;
import io.latentforge.retrieval.IndexFigures;
import io.latentforge.retrieval.NeighborFigures;
import io.latentforge.run.AfterPublishing;
import io.latentforge.run.RunResult;
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
          validation.append(String.format(Locale.ROOT, " %d:%.4f", e.epoch(), e.validationLoss()));
        }
        out.printf(Locale.ROOT, "  validation loss %s%n", validation);
      }
    }
    out.printf(Locale.ROOT, "  recon error      %.4f per row (predicting the mean input: %.4f)%n", r.meanReconError(),
        r.meanBaselineError());
    out.printf(Locale.ROOT, "  codes            %s/run_date=%s (%d floats per row)%n", r.codesPath(), runDate, r.codeSize());
    if (r.rowsRead() > r.rowsFeaturized()) {
      out.printf(Locale.ROOT, "  rejects          %s/run_date=%s%n", r.rejectsPath(), runDate);
    } else {
      out.printf(Locale.ROOT, "  rejects          none (a date without rejects has no rejects partition)%n");
    }
    out.printf(Locale.ROOT, "  model            %s%n", r.modelPath());
    afterPublishing(out, r.downstream());
    out.printf(Locale.ROOT, "  took             %.0f s%n", (System.nanoTime() - startNanos) / 1e9);
  }

  private static void afterPublishing(PrintWriter out, AfterPublishing found) {
    ClusterFigures c = found.clustering();
    if (c != null && c.skipped() == null) {
      out.printf(Locale.ROOT, "  clusters         %s, k=%d, silhouette %.4f%n", c.algorithm(), c.k(), c.silhouette());
    }
    IndexFigures index = found.index();
    if (index != null && index.published()) {
      out.printf(Locale.ROOT, "  index            HNSW, %d shard(s), recall@%d %s, %s queries/s per core%n", index.shards(),
          index.k(), index.recallAtK() == null ? "not measured" : String.format(Locale.ROOT, "%.3f on %d codes",
              index.recallAtK(), index.recallQueries()),
          index.queriesPerSecond() == null ? "-" : String.format(Locale.ROOT, "%.0f", index.queriesPerSecond()));
    } else if (index != null) {
      out.printf(Locale.ROOT, "  index            %s: %s%n", IndexFigures.SKIPPED.equals(index.status()) ? "skipped"
          : "not published", index.reason());
    }
    NeighborFigures n = found.neighbors();
    if (n != null) {
      out.printf(Locale.ROOT, "  neighbours       %d rows, k=%d, %s, %s%n", n.rows(), n.k(), n.metric(),
          n.method() == null ? "exact" : n.method());
    }
    Evaluation.Result e = found.evaluation();
    if (e != null) {
      out.printf(Locale.ROOT, "  evaluation       %d held-out rows, %d labels%n", e.labels().length, e.labelNames().size());
      scoreLines(out, e);
    }
    if (found.report() != null) {
      out.printf(Locale.ROOT, "  report           %s%n", found.report());
    }
  }

  static void evaluation(PrintWriter out, Evaluation.Result e) {
    if (e == null) {
      out.println("evaluation skipped: the codes carry no labels");
      return;
    }
    out.printf(Locale.ROOT, "evaluation: %d held-out rows, %d labels%n", e.labels().length, e.labelNames().size());
    scoreLines(out, e);
  }

  /** Per representation: precision@k, mAP, k-NN accuracy, k-means NMI and accuracy, and reconstruction against PCA. */
  private static void scoreLines(PrintWriter out, Evaluation.Result e) {
    EvaluationFigures.of(e).representations().forEach((name, s) -> {
      StringBuilder line = new StringBuilder();
      s.precisionAt().forEach((k, p) -> line.append(String.format(Locale.ROOT, " P@%d %.3f", k, p)));
      line.append(String.format(Locale.ROOT, " mAP %.3f kNN %.3f km-nmi %.3f km-accuracy %.3f",
          s.meanAveragePrecision(), s.knnAccuracy(), s.kmeansNmi(), s.kmeansAccuracy()));
      if (s.reconErrorVsPca() != null) {
        line.append(String.format(Locale.ROOT, " recon_error_vs_pca %.3f", s.reconErrorVsPca()));
      }
      if (s.codesMinusThis() != null) {
        line.append(" codes-this P@10 ").append(s.codesMinusThis().text());
      }
      out.printf(Locale.ROOT, "    %-10s %s%n", name, line.toString().trim());
    });
  }
}
