package io.latentforge.features.text;

import io.latentforge.config.TextFeatures;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/** Term counts to feature values, keeping the vector sparse. */
public final class Weighting {

  private Weighting() {}

  public static Vector apply(TextFeatures.Weighting weighting, Vector counts) {
    SparseVector sv = counts.toSparse();
    double[] values = sv.values().clone();
    double total = 0;
    for (double v : values) {
      total += v;
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (weighting) {
        case COUNTS -> values[i];
        case BINARY -> 1.0;
        case LOG -> Math.log1p(values[i]);
        case PROBABILITY -> values[i] / total;
        case TFIDF -> throw new IllegalArgumentException("tf-idf needs the corpus's idf: Spark's IDF stage applies it");
      };
    }
    return Vectors.sparse(sv.size(), sv.indices(), values);
  }

  /** Every value of the vector multiplied by {@code factor}, keeping it sparse. */
  public static Vector scaled(Vector vector, double factor) {
    SparseVector sv = vector.toSparse();
    double[] values = sv.values().clone();
    for (int i = 0; i < values.length; i++) {
      values[i] *= factor;
    }
    return Vectors.sparse(sv.size(), sv.indices(), values);
  }

  /** The vector divided by its L1 or L2 norm, so long and short documents weigh alike. */
  public static Vector unitLength(Vector weighted, double p) {
    SparseVector sv = weighted.toSparse();
    double norm = Vectors.norm(sv, p);
    if (norm == 0) {
      return sv; // only terms that tf-idf weighs 0 (in every document): nothing to scale
    }
    double[] values = sv.values().clone();
    for (int i = 0; i < values.length; i++) {
      values[i] /= norm;
    }
    return Vectors.sparse(sv.size(), sv.indices(), values);
  }
}
