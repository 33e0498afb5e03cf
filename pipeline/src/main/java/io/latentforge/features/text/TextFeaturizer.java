package io.latentforge.features.text;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.latentforge.LatentforgeException;
import io.latentforge.config.TextFeatures;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.schema.Columns;
import io.latentforge.schema.RejectReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Documents to bag-of-words vectors with Spark MLlib's stages: a Unicode letter/digit tokenizer
 * (lower-cased, minimum length), stop words removed, a vocabulary of the {@code vocab-size} terms
 * with the highest document frequency among those in at least {@code min-df} documents and at most
 * a {@code max-df} fraction of them, and for tf-idf the corpus's idf. The fitted stages are the
 * vocabulary saved with the model, so new documents are encoded with the features it was trained on.
 */
public final class TextFeaturizer {

  /** Only (Unicode) white space: Spark's trim() strips spaces alone, not tabs or newlines. */
  private static final String BLANK = "(?U)^\\s*$";
  private static final String SAFE_TEXT = "_text";
  private static final String TOKENS = "_tokens";
  private static final String TERMS = "_terms";
  private static final String COUNTS = "_counts";
  private static final String TFIDF = "_tfidf";

  private TextFeaturizer() {}

  /** The split rows plus the fitted vocabulary; {@code accepted} has {@code id, features[, label]}. */
  public record Result(Quarantine.Split split, PipelineModel vocabulary, int vocabularySize) {}

  /** Fits the vocabulary on the corpus, then featurizes it. */
  public static Result featurize(Dataset<Row> corpus, TextFeatures spec) {
    PipelineModel vocabulary = fit(corpus, spec);
    return new Result(apply(corpus, vocabulary, spec), vocabulary, vocabularySize(vocabulary));
  }

  /** Fits tokenizer, stop words, vocabulary (and idf) on the documents that pass the row checks. */
  public static PipelineModel fit(Dataset<Row> corpus, TextFeatures spec) {
    List<PipelineStage> stages = new ArrayList<>(List.of(
        new RegexTokenizer().setInputCol(SAFE_TEXT).setOutputCol(TOKENS)
            .setPattern("[^\\p{L}\\p{N}]+").setGaps(true).setToLowercase(true)
            .setMinTokenLength(spec.minTokenLength()),
        new StopWordsRemover().setInputCol(TOKENS).setOutputCol(TERMS).setStopWords(stopWords(spec)),
        new CountVectorizer().setInputCol(TERMS).setOutputCol(COUNTS)
            .setVocabSize(spec.vocabSize()).setMinDF(spec.minDf()).setMaxDF(maxDf(spec))));
    if (spec.weighting() == TextFeatures.Weighting.TFIDF) {
      stages.add(new IDF().setInputCol(COUNTS).setOutputCol(TFIDF));
    }
    try {
      return new Pipeline().setStages(stages.toArray(PipelineStage[]::new))
          .fit(prepare(corpus).where(precheck().isNull()));
    } catch (IllegalArgumentException e) {
      // CountVectorizer's own words for a corpus so small that max-df of it is below min-df.
      if (String.valueOf(e.getMessage()).contains("maxDF must be >= minDF")) {
        throw LatentforgeException.badInput("The corpus has too few documents for the vocabulary's limits: "
            + "features.text.max-df = " + spec.maxDf() + " of its documents is fewer than features.text.min-df = "
            + spec.minDf() + ".", "add documents, or lower features.text.min-df or raise features.text.max-df.");
      }
      throw e;
    }
  }

  public static int vocabularySize(PipelineModel vocabulary) {
    return ((CountVectorizerModel) vocabulary.stages()[2]).vocabulary().length;
  }

  /** Featurizes with a fitted vocabulary; documents with no vocabulary term are rejected. */
  public static Quarantine.Split apply(Dataset<Row> corpus, PipelineModel vocabulary, TextFeatures spec) {
    Column text = col(CorpusSource.CONTENT);
    Dataset<Row> counted = vocabulary.transform(prepare(corpus));
    Column empty = udf((UDF1<Vector, Boolean>) v -> v.numNonzeros() == 0, DataTypes.BooleanType).apply(col(COUNTS));
    Column reason = when(precheck().isNotNull(), precheck())
        .when(empty, lit(RejectReason.NO_VOCABULARY_TOKENS.code()));
    Column detail = when(text.isNull(), lit("text column is null"))
        .when(text.rlike(BLANK), lit("text is blank"))
        .otherwise(lit("none of the document's terms is in the vocabulary of " + vocabularySize(vocabulary) + " terms"));
    Quarantine.Split split = Quarantine.split(counted, reason, detail);
    Column weighted = spec.weighting() == TextFeatures.Weighting.TFIDF
        ? col(TFIDF)
        : udf((UDF1<Vector, Vector>) v -> Weighting.apply(spec.weighting(), v), SQLDataTypes.VectorType()).apply(col(COUNTS));
    Column normalized = spec.normalize() == TextFeatures.Normalize.NONE
        ? weighted
        : udf((UDF1<Vector, Vector>) v -> Weighting.unitLength(v, spec.normalize() == TextFeatures.Normalize.L1 ? 1 : 2),
            SQLDataTypes.VectorType()).apply(weighted);
    double scale = spec.scale();
    Column features = scale == 1.0
        ? normalized
        : udf((UDF1<Vector, Vector>) v -> Weighting.scaled(v, scale), SQLDataTypes.VectorType()).apply(normalized);
    Dataset<Row> accepted = split.accepted().withColumn(Columns.FEATURES, features)
        .drop(CorpusSource.CONTENT, SAFE_TEXT, TOKENS, TERMS, COUNTS, TFIDF);
    return split.withAccepted(accepted);
  }

  private static Dataset<Row> prepare(Dataset<Row> corpus) {
    return corpus.withColumn(SAFE_TEXT, coalesce(col(CorpusSource.CONTENT), lit("")));
  }

  /** Row checks before tokenizing: the first failing one names the reject reason. */
  private static Column precheck() {
    Column text = col(CorpusSource.CONTENT);
    return when(col(Quarantine.ID_REASON).isNotNull(), col(Quarantine.ID_REASON))
        .when(text.isNull(), lit(RejectReason.NULL_TEXT.code()))
        .when(text.rlike(BLANK), lit(RejectReason.EMPTY_TEXT.code()));
  }

  private static String[] stopWords(TextFeatures spec) {
    List<String> words = new ArrayList<>(spec.extraStopWords());
    if (!spec.stopWords().equals("none")) {
      words.addAll(Arrays.asList(StopWordsRemover.loadDefaultStopWords(spec.stopWords())));
    }
    return words.toArray(String[]::new);
  }

  /** Spark reads maxDF >= 1 as a document count, so a fraction of 1.0 means no bound. */
  private static double maxDf(TextFeatures spec) {
    return spec.maxDf() >= 1.0 ? Long.MAX_VALUE : spec.maxDf();
  }
}
