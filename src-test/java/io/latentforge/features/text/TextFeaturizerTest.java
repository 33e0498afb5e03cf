package io.latentforge.features.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.TextFeatures;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.testing.SparkSessionExtension;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkSessionExtension.class)
class TextFeaturizerTest {

  private static Dataset<Row> corpus(SparkSession spark, Object[]... rows) {
    StructType schema = new StructType().add("id", DataTypes.StringType).add(CorpusSource.CONTENT, DataTypes.StringType);
    return CorpusSource.checkIds(spark.createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), schema));
  }

  @Test
  void vocabularyKeepsFrequentTermsLowerCasedWithoutStopWords(SparkSession spark) {
    Dataset<Row> docs = corpus(spark,
        new Object[] {"d1", "The Router drops the packet; router, router!"},
        new Object[] {"d2", "A packet and a ROUTER."},
        new Object[] {"d3", "packet loss, x y"},
        new Object[] {"d4", "unique words only here"});
    TextFeaturizer.Result result = TextFeaturizer.featurize(docs, TextFeatures.of(100, 2, 2, TextFeatures.Weighting.COUNTS));
    try {
      List<String> vocabulary = Arrays.asList(((CountVectorizerModel) result.vocabulary().stages()[2]).vocabulary());
      assertThat(vocabulary).containsExactlyInAnyOrder("packet", "router");
      assertThat(result.vocabularySize()).isEqualTo(2);
      Map<String, Vector> features = byId(result.split().accepted());
      int router = vocabulary.indexOf("router");
      assertThat(features.get("d1").apply(router)).isEqualTo(3.0);
      assertThat(features.get("d2").apply(router)).isEqualTo(1.0);
      assertThat(features).doesNotContainKey("d4");
      Map<String, String> reasons = result.split().rejects().collectAsList().stream()
          .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
      assertThat(reasons).containsExactlyEntriesOf(Map.of("d4", "no_vocabulary_tokens"));
    } finally {
      result.split().release();
    }
  }

  @Test
  void nullBlankAndIdlessDocumentsAreRejected(SparkSession spark) {
    Dataset<Row> docs = corpus(spark,
        new Object[] {"ok", "orbit orbit planet"}, new Object[] {"ok2", "planet orbit"},
        new Object[] {"null-text", null}, new Object[] {"blank", "   \t "}, new Object[] {null, "orbit planet"});
    TextFeaturizer.Result result = TextFeaturizer.featurize(docs, TextFeatures.of(100, 1, 2, TextFeatures.Weighting.BINARY));
    try {
      Map<String, String> reasons = result.split().rejects().collectAsList().stream()
          .collect(Collectors.toMap(r -> String.valueOf(r.getString(0)), r -> r.getString(1)));
      assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
          "null-text", "null_text", "blank", "empty_text", "null", "null_id"));
      assertThat(result.split().accepted().count() + result.split().rejects().count()).isEqualTo(5);
      assertThat(byId(result.split().accepted()).get("ok").toArray()).containsOnly(1.0);
    } finally {
      result.split().release();
    }
  }

  @Test
  void maxDfStopWordsAndTfIdf(SparkSession spark) {
    Dataset<Row> docs = corpus(spark,
        new Object[] {"d1", "the common orbit"}, new Object[] {"d2", "the common orbit planet"},
        new Object[] {"d3", "the common planet"}, new Object[] {"d4", "the common comet"});
    TextFeatures spec = new TextFeatures(100, 1, 0.8, 2, "none", List.of("comet"), TextFeatures.Weighting.TFIDF,
        TextFeatures.Normalize.NONE, 1.0);
    TextFeaturizer.Result result = TextFeaturizer.featurize(docs, spec);
    try {
      List<String> vocabulary = Arrays.asList(((CountVectorizerModel) result.vocabulary().stages()[2]).vocabulary());
      // "the" and "common" are in every document (above max-df 0.8); "comet" is an extra stop word;
      // with stop-words = none, nothing else is removed.
      assertThat(vocabulary).containsExactlyInAnyOrder("orbit", "planet");
      Map<String, Vector> features = byId(result.split().accepted());
      double idf = Math.log((4 + 1) / (2 + 1.0));
      assertThat(features.get("d1").apply(vocabulary.indexOf("orbit"))).isCloseTo(idf, within(1e-9));
      assertThat(features.get("d2").apply(vocabulary.indexOf("planet"))).isCloseTo(idf, within(1e-9));
    } finally {
      result.split().release();
    }
  }

  @Test
  void aSavedVocabularyFeaturizesNewDocumentsExactlyAsInTraining(SparkSession spark, @TempDir Path dir) throws Exception {
    Dataset<Row> training = corpus(spark, new Object[] {"a", "orbit planet comet"}, new Object[] {"b", "planet comet"},
        new Object[] {"c", "orbit comet comet"});
    TextFeatures spec = TextFeatures.of(100, 2, 2, TextFeatures.Weighting.PROBABILITY);
    TextFeaturizer.Result trained = TextFeaturizer.featurize(training, spec);
    String saved = dir.resolve("vocabulary").toString();
    trained.vocabulary().write().save(saved);

    Dataset<Row> tonight = corpus(spark, new Object[] {"a", "orbit planet comet"}, new Object[] {"new", "comet nebula comet"});
    var split = TextFeaturizer.apply(tonight, PipelineModel.load(saved), spec);
    try {
      Map<String, Vector> before = byId(trained.split().accepted());
      Map<String, Vector> after = byId(split.accepted());
      assertThat(after.get("a")).isEqualTo(before.get("a"));
      // "nebula" was not in training: it is not a feature, and the known term keeps its index.
      assertThat(after.get("new").size()).isEqualTo(trained.vocabularySize());
      assertThat(after.get("new").numNonzeros()).isEqualTo(1);
    } finally {
      trained.split().release();
      split.release();
    }
  }

  @Test
  void weightings() {
    Vector counts = Vectors.sparse(4, new int[] {0, 2}, new double[] {3, 1});
    assertThat(Weighting.apply(TextFeatures.Weighting.COUNTS, counts).toArray()).containsExactly(3, 0, 1, 0);
    assertThat(Weighting.apply(TextFeatures.Weighting.BINARY, counts).toArray()).containsExactly(1, 0, 1, 0);
    assertThat(Weighting.apply(TextFeatures.Weighting.PROBABILITY, counts).toArray()).containsExactly(0.75, 0, 0.25, 0);
    double[] log = Weighting.apply(TextFeatures.Weighting.LOG, counts).toArray();
    assertThat(log[0]).isCloseTo(Math.log(4), within(1e-12));
    assertThat(log[2]).isCloseTo(Math.log(2), within(1e-12));
    assertThat(Weighting.unitLength(counts, 1).toArray()).containsExactly(0.75, 0, 0.25, 0);
    assertThat(Weighting.unitLength(counts, 2).toArray()).containsExactly(3 / Math.sqrt(10), 0, 1 / Math.sqrt(10), 0);
  }

  @Test
  void l2NormalizationGivesEveryDocumentUnitLengthInTheWeightingsDirection(SparkSession spark) {
    Dataset<Row> docs = shortAndLong(spark);
    TextFeatures spec = LOG_L2;
    TextFeaturizer.Result result = TextFeaturizer.featurize(docs, spec);
    try {
      List<String> vocabulary = Arrays.asList(((CountVectorizerModel) result.vocabulary().stages()[2]).vocabulary());
      double[] longDoc = byId(result.split().accepted()).get("long").toArray();
      double norm = Math.sqrt(Math.log(4) * Math.log(4) + Math.log(2) * Math.log(2) + Math.log(3) * Math.log(3));
      assertThat(longDoc[vocabulary.indexOf("orbit")]).isCloseTo(Math.log(4) / norm, within(1e-12));
      assertThat(longDoc[vocabulary.indexOf("comet")]).isCloseTo(Math.log(3) / norm, within(1e-12));
      for (Vector v : byId(result.split().accepted()).values()) {
        assertThat(Vectors.norm(v, 2)).isCloseTo(1.0, within(1e-12));
      }
    } finally {
      result.split().release();
    }
  }

  @Test
  void scaleMultipliesTheNormalizedVectorAndKeepsItSparse(SparkSession spark) {
    Dataset<Row> docs = shortAndLong(spark);
    TextFeatures unit = LOG_L2;
    TextFeaturizer.Result result = TextFeaturizer.featurize(docs, unit);
    Quarantine.Split scaled = TextFeaturizer.apply(docs, result.vocabulary(), unit.withScale(10.0));
    try {
      Map<String, Vector> plain = byId(result.split().accepted());
      Map<String, Vector> tenfold = byId(scaled.accepted());
      assertThat(tenfold.keySet()).isEqualTo(plain.keySet());
      for (String id : plain.keySet()) {
        assertThat(tenfold.get(id)).isInstanceOf(SparseVector.class);
        assertThat(tenfold.get(id).numNonzeros()).isEqualTo(plain.get(id).numNonzeros());
        double[] expected = Arrays.stream(plain.get(id).toArray()).map(x -> 10 * x).toArray();
        assertThat(tenfold.get(id).toArray()).containsExactly(expected, within(1e-12));
      }
    } finally {
      result.split().release();
      scaled.release();
    }
  }

  private static final TextFeatures LOG_L2 = new TextFeatures(100, 1, 1.0, 2, "none", List.of(),
      TextFeatures.Weighting.LOG, TextFeatures.Normalize.L2, 1.0);

  /** Three documents; "long" repeats its terms, so its weighting differs from its terms' presence. */
  private static Dataset<Row> shortAndLong(SparkSession spark) {
    return corpus(spark, new Object[] {"short", "orbit planet"},
        new Object[] {"long", "orbit orbit orbit planet comet comet"}, new Object[] {"c", "comet planet"});
  }

  private static Map<String, Vector> byId(Dataset<Row> accepted) {
    return accepted.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("id")), r -> (Vector) r.getAs("features")));
  }
}
