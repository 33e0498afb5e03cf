package io.latentforge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.Metric;
import org.junit.jupiter.api.Test;

/** Known answers, worked by hand, for every evaluation metric. */
class MetricsTest {

  private static final float[][] LINE = {{0}, {1}, {10}, {11}};

  @Test
  void retrievalWhereEveryNearestNeighbourSharesTheLabel() {
    RetrievalMetrics.Scores s = RetrievalMetrics.of(LINE, new int[] {0, 0, 1, 1}, Metric.EUCLIDEAN, new int[] {1, 2, 3}, 1);
    assertThat(s.precisionAtK().get(1)).isEqualTo(1.0);
    assertThat(s.precisionAtK().get(2)).isEqualTo(0.5);
    assertThat(s.precisionAtK().get(3)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(s.meanAveragePrecision()).isEqualTo(1.0);
    assertThat(s.knnAccuracy()).isEqualTo(1.0);
  }

  @Test
  void retrievalWhereNeighboursAlternateLabels() {
    // Rankings: 0 -> 1,2,3; 1 -> 0,2,3; 2 -> 3,1,0; 3 -> 2,1,0. Relevant at ranks 2; 3; 3; 2.
    RetrievalMetrics.Scores s = RetrievalMetrics.of(LINE, new int[] {0, 1, 0, 1}, Metric.EUCLIDEAN, new int[] {1, 2}, 3);
    assertThat(s.precisionAtK().get(1)).isEqualTo(0.0);
    assertThat(s.precisionAtK().get(2)).isEqualTo(0.25);
    // Per query, in row order: the relevant row is second for queries 0 and 3, third for 1 and 2.
    assertThat(s.queryPrecision().get(2)).containsExactly(0.5f, 0f, 0f, 0.5f);
    assertThat(s.meanAveragePrecision()).isCloseTo((0.5 + 1.0 / 3 + 1.0 / 3 + 0.5) / 4, within(1e-12));
    // 3 votes: the two others of the other label win every time.
    assertThat(s.knnAccuracy()).isEqualTo(0.0);
  }

  @Test
  void precisionAtKIsCappedAtTheRowsThereAre() {
    RetrievalMetrics.Scores s = RetrievalMetrics.of(LINE, new int[] {0, 0, 1, 1}, Metric.EUCLIDEAN, new int[] {50}, 10);
    assertThat(s.precisionAtK().get(50)).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void cosineIgnoresLengthAndHammingCountsDifferingBits() {
    float[][] directions = {{1, 0}, {5, 0.2f}, {0, 1}, {0.1f, 7}};
    RetrievalMetrics.Scores cosine = RetrievalMetrics.of(directions, new int[] {0, 0, 1, 1}, Metric.COSINE, new int[] {1}, 1);
    assertThat(cosine.precisionAtK().get(1)).isEqualTo(1.0);
    RetrievalMetrics.Scores euclidean = RetrievalMetrics.of(directions, new int[] {0, 0, 1, 1}, Metric.EUCLIDEAN, new int[] {1}, 1);
    assertThat(euclidean.precisionAtK().get(1)).isLessThan(1.0);

    float[][] bits = {{1, 1, 0, 0}, {1, 1, 1, 0}, {0, 0, 1, 1}, {0, 1, 1, 1}};
    RetrievalMetrics.Scores hamming = RetrievalMetrics.of(bits, new int[] {0, 0, 1, 1}, Metric.HAMMING, new int[] {1, 2}, 1);
    assertThat(hamming.precisionAtK()).containsEntry(1, 1.0).containsEntry(2, 0.5);
    assertThat(hamming.meanAveragePrecision()).isEqualTo(1.0);
  }

  @Test
  void distancesMatchTheirDefinitions() {
    float[][] v = {{3, 4}, {0, 1}};
    try (RetrievalMetrics.Distances cosine = new RetrievalMetrics.Distances(v, Metric.COSINE);
        RetrievalMetrics.Distances euclidean = new RetrievalMetrics.Distances(v, Metric.EUCLIDEAN)) {
      assertThat(cosine.rows(0, 2)[0][1]).isCloseTo(1 - 0.8f, within(1e-6f));
      assertThat(euclidean.rows(0, 2)[0][1]).isCloseTo((float) Math.sqrt(9 + 9), within(1e-5f));
      assertThat(euclidean.rows(1, 2)[0][1]).isEqualTo(0f);
    }
  }

  @Test
  void nmiAndClusterAccuracy() {
    int[] labels = {0, 0, 1, 1};
    assertThat(ClusterMetrics.nmi(labels, new int[] {1, 1, 0, 0})).isCloseTo(1.0, within(1e-12));
    assertThat(ClusterMetrics.accuracy(labels, new int[] {1, 1, 0, 0})).isEqualTo(1.0);
    assertThat(ClusterMetrics.nmi(labels, new int[] {0, 1, 0, 1})).isCloseTo(0.0, within(1e-12));
    assertThat(ClusterMetrics.accuracy(labels, new int[] {0, 1, 0, 1})).isEqualTo(0.5);
    // Worked out from the contingency table (arithmetic-mean normalization, as scikit-learn's default).
    assertThat(ClusterMetrics.nmi(new int[] {0, 0, 0, 1, 1, 1}, new int[] {0, 0, 1, 1, 2, 2}))
        .isCloseTo(0.5158037429793888, within(1e-12));
    assertThat(ClusterMetrics.nmi(new int[] {0, 0, 1, 1, 2, 2, 2}, new int[] {1, 1, 0, 0, 0, 2, 2}))
        .isCloseTo(0.747179095066262, within(1e-12));
    // More clusters than labels: the best matching maps cluster 0 to label 0 and cluster 2 to label 1.
    assertThat(ClusterMetrics.accuracy(new int[] {0, 0, 0, 1, 1, 1}, new int[] {0, 0, 1, 1, 2, 2}))
        .isCloseTo(4.0 / 6, within(1e-12));
  }

  @Test
  void pcaScoresAndReconstructionErrorOfHandBuiltRows() {
    // One component along (1,1)/sqrt(2), mean (1,1): (3,3) scores 2*sqrt(2) and lies on the line;
    // (2,0) scores 0 and is off it by its whole centred length, 1^2 + 1^2 = 2.
    double h = 1 / Math.sqrt(2);
    org.apache.spark.ml.linalg.DenseMatrix pc = new org.apache.spark.ml.linalg.DenseMatrix(2, 1, new double[] {h, h});
    double[] error = new double[1];
    float[][] scores = Evaluation.project(new float[][] {{3, 3}, {2, 0}}, pc, new double[] {1, 1}, error);
    assertThat(scores[0][0]).isCloseTo((float) (2 * Math.sqrt(2)), within(1e-6f));
    assertThat(scores[1][0]).isCloseTo(0f, within(1e-6f));
    assertThat(error[0]).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void codeBitsUnpackToTheThresholdedCode() {
    float[] code = {0.9f, 0.1f, 0.6f, 0.4f, 1f, 0f, 0.51f, 0.49f, 0.7f, 0.2f};
    float[] bits = Evaluation.unpack(io.latentforge.model.CodeLayer.packBits(code, 0, code.length), code.length);
    assertThat(bits).containsExactly(1, 0, 1, 0, 1, 0, 1, 0, 1, 0);
  }

  @Test
  void hungarianFindsTheCheapestAssignment() {
    double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    assertThat(Hungarian.assign(cost)).containsExactly(1, 0, 2);
    // Taking row 0's cheapest column first would end at 1 + 9 = 10 instead of 2 + 0 = 2.
    assertThat(Hungarian.assign(new double[][] {{2, 1}, {9, 0}})).containsExactly(0, 1);
    assertThat(Hungarian.assign(new double[][] {{5, 1, 7}})).containsExactly(1);
  }
}
