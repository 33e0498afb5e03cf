package io.latentforge.retrieval;

import io.latentforge.config.Metric;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One code as search moves it between tasks: far smaller to serialize than a Row, which carries
 * its schema. {@code values} for cosine and euclidean, {@code bits} (code_bits) for hamming. A
 * class, not a record: Kryo cannot set a record's fields.
 */
final class Code implements Serializable {

  private final String id;
  private final float[] values;
  private final byte[] bits;

  Code(String id, float[] values, byte[] bits) {
    this.id = id;
    this.values = values;
    this.bits = bits;
  }

  String id() {
    return id;
  }

  float[] values() {
    return values;
  }

  byte[] bits() {
    return bits;
  }

  /** From a row {@code id, code} or {@code id, code_bits}, as {@link NeighborSearch#columns} selects. */
  static Code of(Row row, Metric metric) {
    if (metric == Metric.HAMMING) {
      return new Code(row.getString(0), null, (byte[]) row.get(1));
    }
    List<Object> code = row.getList(1);
    float[] values = new float[code.size()];
    for (int j = 0; j < values.length; j++) {
      values[j] = ((Number) code.get(j)).floatValue();
    }
    return new Code(row.getString(0), values, null);
  }
}
