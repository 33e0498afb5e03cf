package io.latentforge.encode;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.latentforge.input.Quarantine;
import io.latentforge.model.ModelCard;
import io.latentforge.schema.Columns;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Rows read = rows accepted + rows rejected, all counted from the one cached pass. */
public record RowCounts(long read, long accepted, Map<String, Long> rejectsByReason) {

  public long rejected() {
    return read - accepted;
  }

  public double rejectedFraction() {
    return read == 0 ? 0 : (double) rejected() / read;
  }

  /** Counts tallied by the tasks that read the rows. */
  public static RowCounts of(long accepted, Map<String, Long> rejectsByReason) {
    return new RowCounts(accepted + rejectsByReason.values().stream().mapToLong(Long::longValue).sum(), accepted,
        new TreeMap<>(rejectsByReason));
  }

  /** One job over the split's cached rows: the accepted ones counted under a null reason. */
  public static RowCounts of(Quarantine.Split split) {
    Dataset<Row> reasons = split.accepted().select(lit(null).cast("string").as(Columns.REASON))
        .union(split.rejects().select(col(Columns.REASON)));
    long accepted = 0;
    long rejected = 0;
    Map<String, Long> byReason = new TreeMap<>();
    for (Row r : reasons.groupBy(col(Columns.REASON)).count().collectAsList()) {
      if (r.isNullAt(0)) {
        accepted = r.getLong(1);
      } else {
        byReason.put(r.getString(0), r.getLong(1));
        rejected += r.getLong(1);
      }
    }
    // Every row read is in exactly one of the two.
    return new RowCounts(accepted + rejected, accepted, byReason);
  }

  public ModelCard.Rows asRows() {
    return new ModelCard.Rows(read, accepted, rejected(), rejectsByReason);
  }
}
