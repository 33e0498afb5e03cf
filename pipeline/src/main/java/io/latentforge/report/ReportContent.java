package io.latentforge.report;

import io.latentforge.eval.Evaluation;
import io.latentforge.model.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * What one run date's report shows.
 *
 * @param metrics the date's metrics.json
 * @param epochs the model's training history (empty for codes from an existing model)
 * @param evaluation null when not evaluated
 * @param projection the evaluated codes in two dimensions (PCA), null when not evaluated
 * @param panels image rows to show, null for documents
 * @param firstWords the first words of the documents the retrieval examples show, by id (empty for images)
 * @param history the metrics.json of earlier dates, oldest first (drift over time)
 */
public record ReportContent(String runDate, RunMetrics metrics, List<EpochMetrics> epochs,
    Evaluation.Result evaluation, float[][] projection, ImagePanels panels, Map<String, String> firstWords,
    List<RunMetrics> history) {

  /**
   * Images in rows (e.g. inputs, corrupted inputs, reconstructions), flattened CHW.
   *
   * @param rowNames one per row of {@code images}
   */
  public record ImagePanels(String caption, List<String> rowNames, float[][][] images, int channels, int height,
      int width) {}
}
