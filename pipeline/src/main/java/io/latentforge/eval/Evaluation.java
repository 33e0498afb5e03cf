package io.latentforge.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.LatentforgeException;
import io.latentforge.config.EvaluateSettings;
import io.latentforge.config.Metric;
import io.latentforge.config.TextFeatures;
import io.latentforge.model.CodeLayer;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How well codes retrieve and cluster by label, next to baselines computed on the same rows:
 * the raw features, PCA with the code's size, and tf-idf for documents. Metrics are computed on
 * held-out rows (at most {@code evaluate.max-rows}, chosen by hashing ids); PCA and IDF are fitted
 * on the other rows only.
 */
public final class Evaluation {

  /** What the evaluated features are, which decides how the tf-idf baseline is made from them. */
  public enum Inputs {
    IMAGES,
    /**
     * Term weights without idf (counts, per-document frequencies, log(1+tf), binary): tf-idf is them
     * times idf (for log(1+tf) the sublinear variant, since normalized weights cannot give back counts).
     */
    TERMS,
    /** Term weights already multiplied by the idf: they are the tf-idf baseline (idf twice would not be tf-idf). */
    TFIDF_TERMS;

    public static Inputs of(CorpusKind kind, TextFeatures.Weighting weighting) {
      if (kind == CorpusKind.IMAGE) {
        return IMAGES;
      }
      return weighting == TextFeatures.Weighting.TFIDF ? TFIDF_TERMS : TERMS;
    }
  }

  /** Scores of one representation of the evaluated rows. */
  public record Representation(int dimensions, Metric metric, RetrievalMetrics.Scores retrieval, double kmeansNmi,
      double kmeansAccuracy, Double meanReconError) {

  }

  /** The k at which the codes are compared with each baseline, query by query. */
  public static final int COMPARED_AT = 10;

  /**
   * @param codesMinusThis by representation, the codes' precision@{@link #COMPARED_AT} minus its own
   *     on the same queries, with its 95% interval (none for the codes themselves)
   * @param codes the evaluated rows' codes, in {@code labels} order, for plots
   * @param labels index into {@code labelNames} per evaluated row
   */
  public record Result(long heldOutRows, boolean modelSawRows, List<String> labelNames,
      Map<String, Representation> representations, Map<String, PairedBootstrap.Difference> codesMinusThis,
      double meanInputError, Map<String, String> skipped, float[][] codes, int[] labels, Examples examples) {

    /** {@code r}'s reconstruction error over PCA's at the code's size; null unless both have one. */
    public Double reconVsPca(Representation r) {
      Representation pca = representations.get("pca");
      return r.meanReconError() != null && pca != null && pca.meanReconError() != null && pca.meanReconError() > 0
          ? r.meanReconError() / pca.meanReconError() : null;
    }
  }

  /** Each representation but the codes against the codes, where both have precision at {@link #COMPARED_AT}. */
  private static Map<String, PairedBootstrap.Difference> codesMinusThis(Map<String, Representation> reps) {
    Map<String, PairedBootstrap.Difference> out = new LinkedHashMap<>();
    Representation codes = reps.get("codes");
    float[] a = codes == null ? null : codes.retrieval().queryPrecision().get(COMPARED_AT);
    reps.forEach((name, r) -> {
      float[] b = r.retrieval().queryPrecision().get(COMPARED_AT);
      if (a != null && b != null && r != codes) {
        out.put(name, PairedBootstrap.difference(a, b));
      }
    });
    return out;
  }

  /**
   * Retrieval examples for the report: a few evaluated rows and their nearest neighbours by each
   * representation that has them (codes and PCA), as row ids, labels and input features.
   *
   * @param neighbors by representation, per query, the neighbours' positions in {@code rows}
   */
  public record Examples(int[] queries, Map<String, int[][]> neighbors, String[] ids, String[] labels,
      float[][] features) {}

  /** Queries shown in the report, and neighbours per query. */
  static final int EXAMPLE_QUERIES = 8;
  static final int EXAMPLE_NEIGHBORS = 8;

  /** The evaluated rows: features, codes and labels, in one order. */
  private record Sample(String[] ids, float[][] raw, float[][] codes, float[][] bits, float[] reconErrors, int[] labels,
      List<String> labelNames) {}

  private Evaluation() {}

  /** The code rows evaluation may use: held out and labelled. */
  public static Dataset<Row> labelledHeldOut(Dataset<Row> codes, Column heldOut) {
    return codes.where(col(Columns.LABEL).isNotNull()).where(heldOut);
  }

  /**
   * @param features accepted rows {@code id, features}
   * @param held {@link #labelledHeldOut} code rows, {@code heldOutRows} (at least 2) of them
   * @param heldOut which rows are held out (the training split's validation rows when it had any)
   * @param modelSawRows whether the autoencoder trained on the held-out rows too
   */
  public static Result run(SparkSession spark, Dataset<Row> features, Dataset<Row> held, long heldOutRows,
      Column heldOut, boolean modelSawRows, Inputs inputs, EvaluateSettings settings, long seed) {
    Sample sample = sample(held.orderBy(xxhash64(col(Columns.ID), lit(seed))).limit(settings.maxRows()), features);
    if (sample.ids().length < 2) {
      throw LatentforgeException.badInput("Only " + sample.ids().length + " of the held-out labelled codes "
          + "have features in the corpus given.", "evaluate the codes against the corpus they were encoded from.");
    }
    Dataset<Row> training = features.where(not(heldOut));
    double[] trainingMean = ((Vector) training.select(Summarizer.mean(col(Columns.FEATURES))).first().get(0)).toArray();
    Candidates candidates = candidates(sample, training, trainingMean, inputs, settings);
    Map<String, Representation> reps = new LinkedHashMap<>();
    // tf-idf features are their own tf-idf baseline (the same array): scored once, listed under both names.
    Map<float[][], Representation> scored = new IdentityHashMap<>();
    candidates.vectors().forEach((name, vectors) -> reps.put(name, scored.computeIfAbsent(vectors, v -> score(v,
        sample, name.equals("code_bits") ? Metric.HAMMING : settings.metric(), settings, seed,
        candidates.reconErrors().get(name)))));
    return new Result(heldOutRows, modelSawRows, sample.labelNames(), reps, codesMinusThis(reps),
        meanSquaredDistance(sample.raw(), trainingMean), candidates.skipped(), sample.codes(), sample.labels(),
        examples(sample, candidates, settings.metric()));
  }

  /** Queries spread evenly over the evaluated rows (sorted by id), and their neighbours by codes and by PCA. */
  private static Examples examples(Sample sample, Candidates candidates, Metric metric) {
    int n = sample.ids().length;
    int[] queries = new int[Math.min(EXAMPLE_QUERIES, n)];
    for (int i = 0; i < queries.length; i++) {
      queries[i] = (int) ((long) i * n / queries.length);
    }
    Map<String, int[][]> neighbors = new LinkedHashMap<>();
    for (String name : List.of("codes", "pca")) {
      float[][] vectors = candidates.vectors().get(name);
      if (vectors != null) {
        neighbors.put(name, RetrievalMetrics.nearest(vectors, metric, queries, EXAMPLE_NEIGHBORS));
      }
    }
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      labels[i] = sample.labelNames().get(sample.labels()[i]);
    }
    return new Examples(queries, neighbors, sample.ids(), labels, sample.raw());
  }

  /** The evaluated rows in each representation, with reconstruction errors where they have one. */
  private record Candidates(Map<String, float[][]> vectors, Map<String, Double> reconErrors, Map<String, String> skipped) {}

  /** The codes (and code_bits), then the baselines: raw features, PCA and, for documents, tf-idf. */
  private static Candidates candidates(Sample sample, Dataset<Row> training, double[] trainingMean, Inputs inputs,
      EvaluateSettings settings) {
    Candidates c = new Candidates(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
    c.vectors().put("codes", sample.codes());
    c.reconErrors().put("codes", mean(sample.reconErrors()));
    if (sample.bits() != null) {
      c.vectors().put("code_bits", sample.bits());
    }
    c.vectors().put("raw", sample.raw());
    int d = trainingMean.length;
    if (d > settings.pcaMaxFeatures()) {
      c.skipped().put("pca", d + " features, above evaluate.pca-max-features = " + settings.pcaMaxFeatures());
    } else {
      PCAModel pca = new PCA().setK(Math.min(sample.codes()[0].length, d)).setInputCol(Columns.FEATURES)
          .setOutputCol("_pca").fit(training);
      double[] error = new double[1];
      c.vectors().put("pca", project(sample.raw(), pca.pc(), trainingMean, error));
      c.reconErrors().put("pca", error[0] / sample.raw().length);
    }
    float[][] tfidf = tfidf(sample.raw(), training, inputs);
    if (tfidf != null) {
      c.vectors().put("tfidf", tfidf);
    }
    return c;
  }

  /**
   * The rows as classic tf-idf (term counts times idf fitted on {@code training}), up to each row's
   * scale, which cosine ignores; null for images. The idf only depends on document frequencies,
   * so it is the same whatever weighting the features have.
   */
  static float[][] tfidf(float[][] rows, Dataset<Row> training, Inputs inputs) {
    return switch (inputs) {
      case IMAGES -> null;
      case TFIDF_TERMS -> rows;
      case TERMS -> scale(rows, new IDF().setInputCol(Columns.FEATURES).setOutputCol("_idf").fit(training).idf().toArray());
    };
  }

  private static Representation score(float[][] vectors, Sample sample, Metric metric,
      EvaluateSettings settings, long seed, Double reconError) {
    RetrievalMetrics.Scores retrieval = RetrievalMetrics.of(vectors, sample.labels(), metric, settings.ks(), settings.knnK());
    int[] clusters = DriverKMeans.cluster(vectors, sample.labelNames().size(), seed);
    return new Representation(vectors[0].length, metric, retrieval, ClusterMetrics.nmi(sample.labels(), clusters),
        ClusterMetrics.accuracy(sample.labels(), clusters), reconError);
  }

  private static Sample sample(Dataset<Row> heldCodes, Dataset<Row> features) {
    boolean binary = List.of(heldCodes.columns()).contains(Columns.CODE_BITS);
    List<Row> rows = new ArrayList<>(heldCodes.join(features.select(Columns.ID, Columns.FEATURES), Columns.ID)
        .collectAsList());
    rows.sort(Comparator.comparing(r -> r.<String>getAs(Columns.ID)));
    TreeSet<String> names = new TreeSet<>();
    rows.forEach(r -> names.add(String.valueOf(r.<Object>getAs(Columns.LABEL))));
    List<String> labelNames = new ArrayList<>(names);
    int n = rows.size();
    Sample s = new Sample(new String[n], new float[n][], new float[n][], binary ? new float[n][] : null, new float[n],
        new int[n], labelNames);
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      s.ids()[i] = r.getAs(Columns.ID);
      s.raw()[i] = floats(((Vector) r.getAs(Columns.FEATURES)).toArray());
      List<Object> code = r.getList(r.fieldIndex(Columns.CODE));
      s.codes()[i] = new float[code.size()];
      for (int j = 0; j < code.size(); j++) {
        s.codes()[i][j] = ((Number) code.get(j)).floatValue();
      }
      if (binary) {
        s.bits()[i] = unpack(r.getAs(Columns.CODE_BITS), code.size());
      }
      s.reconErrors()[i] = ((Number) r.getAs(Columns.RECON_ERROR)).floatValue();
      s.labels()[i] = labelNames.indexOf(String.valueOf(r.<Object>getAs(Columns.LABEL)));
    }
    return s;
  }

  /** code_bits back to 0/1 values, first value from the high bit. */
  static float[] unpack(byte[] bits, int size) {
    float[] out = new float[size];
    for (int j = 0; j < size; j++) {
      out[j] = CodeLayer.isSet(bits, j) ? 1f : 0f;
    }
    return out;
  }

  /** Principal-component scores of centred rows; {@code error[0]} gets the summed squared reconstruction error. */
  static float[][] project(float[][] rows, DenseMatrix pc, double[] mean, double[] error) {
    int d = pc.numRows();
    int k = pc.numCols();
    float[][] out = new float[rows.length][k];
    for (int i = 0; i < rows.length; i++) {
      double[] centred = new double[d];
      for (int j = 0; j < d; j++) {
        centred[j] = rows[i][j] - mean[j];
      }
      double[] reconstructed = new double[d];
      for (int c = 0; c < k; c++) {
        double score = 0;
        for (int j = 0; j < d; j++) {
          score += centred[j] * pc.apply(j, c);
        }
        out[i][c] = (float) score;
        for (int j = 0; j < d; j++) {
          reconstructed[j] += score * pc.apply(j, c);
        }
      }
      for (int j = 0; j < d; j++) {
        error[0] += (centred[j] - reconstructed[j]) * (centred[j] - reconstructed[j]);
      }
    }
    return out;
  }

  private static float[][] scale(float[][] rows, double[] weights) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new float[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (float) (rows[i][j] * weights[j]);
      }
    }
    return out;
  }

  /** Rows {@code i} (the index) and {@code v} (an MLlib vector) of small driver-side data, for MLlib stages. */
  public static Dataset<Row> frame(SparkSession spark, float[][] vectors) {
    List<Row> rows = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      double[] v = new double[vectors[i].length];
      for (int j = 0; j < v.length; j++) {
        v[j] = vectors[i][j];
      }
      // Sparse where that is smaller (documents): a dense 2,000-term sample made 16 MB tasks.
      rows.add(RowFactory.create(i, Vectors.dense(v).compressed()));
    }
    return spark.createDataFrame(rows, new StructType().add("i", DataTypes.IntegerType).add("v", new VectorUDT()));
  }

  private static double meanSquaredDistance(float[][] rows, double[] mean) {
    double sum = 0;
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        sum += (row[j] - mean[j]) * (row[j] - mean[j]);
      }
    }
    return sum / rows.length;
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static float[] floats(double[] values) {
    float[] out = new float[values.length];
    for (int j = 0; j < values.length; j++) {
      out[j] = (float) values[j];
    }
    return out;
  }
}
