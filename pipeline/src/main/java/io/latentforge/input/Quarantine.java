package io.latentforge.input;

import static org.apache.spark.sql.functions.col;

import io.latentforge.schema.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Splits rows into accepted and rejected by a reason column, so no row is ever dropped silently:
 * every row read ends up in exactly one of the two.
 */
public final class Quarantine {

  private static final String REASON = "_reason";
  private static final String DETAIL = "_detail";
  /** Row-level id checks made when the corpus is read (null and duplicate ids); they come first. */
  public static final String ID_REASON = "_id_reason";
  public static final String ID_DETAIL = "_id_detail";
  /** The rejects table: {@code id, reason, detail} (the id is null in null-id rejects). */
  public static final StructType REJECTS = new StructType().add(Columns.ID, DataTypes.StringType, true)
      .add(Columns.REASON, DataTypes.StringType, true).add(Columns.DETAIL, DataTypes.StringType, true);

  private Quarantine() {}

  /**
   * Rows accepted (without the reason columns) and rejects ({@code id, reason, detail}), both read
   * from one cached dataset so the checks (e.g. decoding) run once; {@link #release()} frees it.
   */
  public record Split(Dataset<Row> accepted, Dataset<Row> rejects, Dataset<Row> cached) {

    public Split withAccepted(Dataset<Row> newAccepted) {
      return new Split(newAccepted, rejects, cached);
    }

    public void release() {
      cached.unpersist();
    }
  }

  /**
   * Splits on the id checks, then {@code reason} (a string column, null for good rows) with a
   * per-row {@code detail}.
   */
  public static Split split(Dataset<Row> rows, Column reason, Column detail) {
    Column idReason = col(ID_REASON);
    Dataset<Row> tagged = rows
        .withColumn(REASON, functions.coalesce(idReason, reason))
        .withColumn(DETAIL, functions.when(idReason.isNotNull(), col(ID_DETAIL)).when(reason.isNotNull(), detail))
        .drop(ID_REASON, ID_DETAIL)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> accepted = tagged.where(col(REASON).isNull()).drop(REASON, DETAIL);
    Dataset<Row> rejects = tagged.where(col(REASON).isNotNull())
        .select(col(Columns.ID), col(REASON).as(Columns.REASON), col(DETAIL).cast("string").as(Columns.DETAIL));
    return new Split(accepted, rejects, tagged);
  }
}
