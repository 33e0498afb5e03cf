package io.latentforge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.TextFeatures;
import io.latentforge.features.text.TextFeaturizer;
import io.latentforge.input.CorpusSource;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import io.latentforge.testing.SparkSessionExtension;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Evaluation's tf-idf baseline is classic tf-idf whatever weighting the model's features have. */
@ExtendWith(SparkSessionExtension.class)
class TfIdfBaselineTest {

  private static final String[] DOCS = {
      "router packet packet switch", "packet loss loss loss", "compiler parser parser", "parser lexer compiler compiler",
      "router switch switch", "lexer lexer token", "packet router", "compiler token token token"};

  @Test
  void everyWeightingGivesTheSameTfIdf(SparkSession spark) {
    float[][] expected = classicTfIdf();
    for (TextFeatures spec : List.of(
        TextFeatures.of(100, 1, 2, TextFeatures.Weighting.COUNTS),
        TextFeatures.of(100, 1, 2, TextFeatures.Weighting.PROBABILITY),
        TextFeatures.of(100, 1, 2, TextFeatures.Weighting.TFIDF),
        withNormalize(TextFeatures.of(100, 1, 2, TextFeatures.Weighting.TFIDF), TextFeatures.Normalize.L2))) {
      TextFeaturizer.Result result = TextFeaturizer.featurize(corpus(spark), spec);
      try {
        Dataset<Row> features = result.split().accepted().orderBy(Columns.ID);
        float[][] rows = features.collectAsList().stream()
            .map(r -> floats(r.<Vector>getAs(Columns.FEATURES).toArray())).toArray(float[][]::new);
        String[] vocabulary = ((org.apache.spark.ml.feature.CountVectorizerModel) result.vocabulary().stages()[2])
            .vocabulary();
        float[][] tfidf = Evaluation.tfidf(rows, features, Evaluation.Inputs.of(CorpusKind.TEXT, spec.weighting()));
        for (int i = 0; i < DOCS.length; i++) {
          assertThat(cosine(tfidf[i], inVocabularyOrder(expected[i], vocabulary)))
              .as("document %d with %s", i, spec).isCloseTo(1.0, within(1e-5));
        }
      } finally {
        result.split().release();
      }
    }
    assertThat(Evaluation.Inputs.of(CorpusKind.IMAGE, null)).isEqualTo(Evaluation.Inputs.IMAGES);
  }

  /** Term counts times Spark's idf, log((n + 1) / (df + 1)), over the terms in sorted order. */
  private static float[][] classicTfIdf() {
    List<String> terms = Arrays.stream(DOCS).flatMap(d -> Arrays.stream(d.split(" "))).distinct().sorted().toList();
    float[][] out = new float[DOCS.length][terms.size()];
    for (int t = 0; t < terms.size(); t++) {
      String term = terms.get(t);
      long df = Arrays.stream(DOCS).filter(d -> Arrays.asList(d.split(" ")).contains(term)).count();
      double idf = Math.log((DOCS.length + 1.0) / (df + 1.0));
      for (int i = 0; i < DOCS.length; i++) {
        out[i][t] = (float) (Arrays.stream(DOCS[i].split(" ")).filter(term::equals).count() * idf);
      }
    }
    return out;
  }

  private static float[] inVocabularyOrder(float[] sortedTerms, String[] vocabulary) {
    List<String> sorted = Arrays.stream(vocabulary).sorted().toList();
    float[] out = new float[vocabulary.length];
    for (int j = 0; j < vocabulary.length; j++) {
      out[j] = sortedTerms[sorted.indexOf(vocabulary[j])];
    }
    return out;
  }

  private static TextFeatures withNormalize(TextFeatures t, TextFeatures.Normalize normalize) {
    return new TextFeatures(t.vocabSize(), t.minDf(), t.maxDf(), t.minTokenLength(), t.stopWords(), t.extraStopWords(),
        t.weighting(), normalize, t.scale());
  }

  private static Dataset<Row> corpus(SparkSession spark) {
    StructType schema = new StructType().add("id", DataTypes.StringType).add(CorpusSource.CONTENT, DataTypes.StringType);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < DOCS.length; i++) {
      rows.add(RowFactory.create("d" + i, DOCS[i]));
    }
    return CorpusSource.checkIds(spark.createDataFrame(rows, schema));
  }

  private static float[] floats(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
