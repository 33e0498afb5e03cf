package io.latentforge.text;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.latentforge.config.TextFeatures;
import io.latentforge.io.CorpusSource;
import io.latentforge.io.Quarantine;
import io.latentforge.schema.Columns;
import io.latentforge.schema.RejectReason;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
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
 * (lower-cased, minimum length), English stop words removed, and a vocabulary of the
 * {@code vocab-size} terms with the highest document frequency that occur in at least
 * {@code min-df} documents. The fitted stages are the vocabulary saved with the model.
 */
public final class TextFeaturizer {

  /** Only (Unicode) white space: Spark's trim() strips spaces alone, not tabs or newlines. */
  private static final String BLANK = "(?U)^\\s*$";
  private static final String SAFE_TEXT = "_text";
  private static final String TOKENS = "_tokens";
  private static final String TERMS = "_terms";
  private static final String COUNTS = "_counts";

  private TextFeaturizer() {}

  /** The split rows plus the fitted vocabulary; {@code accepted} has {@code id, features[, label]}. */
  public record Result(Quarantine.Split split, PipelineModel vocabulary, int vocabularySize) {}

  public static Result featurize(Dataset<Row> corpus, TextFeatures spec) {
    Column text = col(CorpusSource.CONTENT);
    Column precheck = when(col(Columns.ID).isNull(), lit(RejectReason.NULL_ID.code()))
        .when(text.isNull(), lit(RejectReason.NULL_TEXT.code()))
        .when(text.rlike(BLANK), lit(RejectReason.EMPTY_TEXT.code()));
    Dataset<Row> prepared = corpus.withColumn(SAFE_TEXT, coalesce(text, lit("")));

    PipelineModel vocabulary = new Pipeline().setStages(new PipelineStage[] {
        new RegexTokenizer().setInputCol(SAFE_TEXT).setOutputCol(TOKENS)
            .setPattern("[^\\p{L}\\p{N}]+").setGaps(true).setToLowercase(true)
            .setMinTokenLength(spec.minTokenLength()),
        new StopWordsRemover().setInputCol(TOKENS).setOutputCol(TERMS),
        new CountVectorizer().setInputCol(TERMS).setOutputCol(COUNTS)
            .setVocabSize(spec.vocabSize()).setMinDF(spec.minDf())
    }).fit(prepared.where(precheck.isNull()));
    int vocabularySize = ((CountVectorizerModel) vocabulary.stages()[2]).vocabulary().length;

    Dataset<Row> counted = vocabulary.transform(prepared);
    Column empty = udf((UDF1<Vector, Boolean>) v -> v.numNonzeros() == 0, DataTypes.BooleanType).apply(col(COUNTS));
    Column reason = when(precheck.isNotNull(), precheck)
        .when(empty, lit(RejectReason.NO_VOCABULARY_TOKENS.code()));
    Column detail = when(col(Columns.ID).isNull(), lit("id column is null"))
        .when(text.isNull(), lit("text column is null"))
        .when(text.rlike(BLANK), lit("text is blank"))
        .otherwise(lit("none of the document's terms is in the vocabulary of " + vocabularySize + " terms"));
    Quarantine.Split split = Quarantine.split(counted, reason, detail);
    Column weighted = udf((UDF1<Vector, Vector>) v -> Weighting.apply(spec.weighting(), v), SQLDataTypes.VectorType())
        .apply(col(COUNTS));
    Dataset<Row> accepted = split.accepted().withColumn(Columns.FEATURES, weighted)
        .drop(CorpusSource.CONTENT, SAFE_TEXT, TOKENS, TERMS, COUNTS);
    return new Result(split.withAccepted(accepted), vocabulary, vocabularySize);
  }
}
