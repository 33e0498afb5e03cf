package io.latentforge.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.latentforge.encode.EncodedCorpus;
import io.latentforge.encode.RowCounts;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.input.CorpusSource;
import io.latentforge.parquet.TableRows;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.report.RunMetrics;
import io.latentforge.schema.Columns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code encode --incremental}: with the model that made the previous code partition, a row whose
 * content and label are unchanged (same id, same content key) gets the code it had, so only new
 * and changed rows are encoded. Every code partition {@code encode --incremental} writes carries
 * its rows' content keys ({@code _content_keys/}, invisible to table readers) for the next run to
 * compare; a plain encode does not spend the extra read of the corpus.
 */
final class IncrementalEncode {

  private static final Logger LOG = LoggerFactory.getLogger(IncrementalEncode.class);
  static final String KEYS = "_content_keys";
  static final String KEY = "content_key";

  private IncrementalEncode() {}

  /**
   * Tonight's work: the corpus rows to encode and the code rows copied from {@code previous}.
   *
   * @param copied code rows of the previous partition, in its columns
   * @param previousBaseline the previous partition's mean-input baseline error (NaN when its
   *     metrics.json has none)
   */
  record Plan(Path previous, Dataset<Row> toEncode, Dataset<Row> copied, long copiedRows, double previousBaseline) {
    void release() {
      copied.unpersist();
    }
  }

  /**
   * The id and a 64-bit hash of the content and label of every corpus row: rows with the same key
   * are the same input to the model.
   */
  static Dataset<Row> keys(Dataset<Row> corpusRows) {
    List<Column> hashed = new ArrayList<>(List.of(col(CorpusSource.CONTENT)));
    if (List.of(corpusRows.columns()).contains(Columns.LABEL)) {
      hashed.add(col(Columns.LABEL));
    }
    return corpusRows.select(col(Columns.ID), xxhash64(hashed.toArray(Column[]::new)).as(KEY));
  }

  /**
   * The plan against the newest code partition before {@code runDate}; empty, with the reason
   * logged, when every row must be encoded: no such partition, made by another model, or without
   * content keys.
   *
   * @param tonight the corpus rows' content keys ({@link #keys})
   */
  static Optional<Plan> plan(SparkSession spark, OutputLayout out, String runDate, String modelId,
      Dataset<Row> corpusRows, Dataset<Row> tonight) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Optional<Path> previous = WarmStarts.newestPartitionBefore(hadoop, out, runDate);
    if (previous.isEmpty()) {
      LOG.info("encode --incremental: no code partition before {}; encoding every row", runDate);
      return Optional.empty();
    }
    PartitionManifest manifest = TableSink.manifest(hadoop, previous.get());
    if (manifest == null || !modelId.equals(manifest.modelId())) {
      LOG.info("encode --incremental: {} holds codes of model {}, not {}; encoding every row", previous.get(),
          manifest == null ? null : manifest.modelId(), modelId);
      return Optional.empty();
    }
    Path keys = new Path(previous.get(), KEYS);
    if (!HadoopFiles.exists(hadoop, keys)) {
      LOG.info("encode --incremental: {} has no content keys (only encode --incremental writes them); encoding every row",
          previous.get());
      return Optional.empty();
    }
    Dataset<Row> before = spark.read().parquet(previous.get().toString());
    Dataset<Row> beforeKeys = spark.read().parquet(keys.toString());
    Dataset<Row> unchanged = tonight.join(beforeKeys, tonight.col(Columns.ID).equalTo(beforeKeys.col(Columns.ID))
        .and(tonight.col(KEY).equalTo(beforeKeys.col(KEY))), "left_semi").select(Columns.ID);
    Dataset<Row> copied = before.join(unchanged, before.col(Columns.ID).equalTo(unchanged.col(Columns.ID)), "left_semi")
        .persist(StorageLevel.MEMORY_AND_DISK());
    long copiedRows = copied.count();
    Dataset<Row> copiedIds = copied.select(Columns.ID);
    Dataset<Row> toEncode = corpusRows.join(copiedIds, corpusRows.col(Columns.ID).equalTo(copiedIds.col(Columns.ID)),
        "left_anti");
    LOG.info("encode --incremental: {} rows unchanged since {}, their codes copied", copiedRows, previous.get());
    String date = previous.get().getName().substring(Columns.RUN_DATE.length() + 1);
    RunMetrics metrics = HadoopFiles.readIfExists(hadoop, new Path(out.metrics(date)), RunMetrics::read);
    double baseline = metrics == null || metrics.metrics() == null ? Double.NaN
        : metrics.metrics().meanInputBaselineError();
    return Optional.of(new Plan(previous.get(), toEncode, copied, copiedRows, baseline));
  }

  /**
   * {@code encoded} (the rows tonight encoded) with the plan's copied code rows: one table in the
   * encoded rows' schema, and the counts of both.
   */
  static EncodedCorpus withCopied(SparkSession spark, EncodedCorpus encoded, Plan plan) {
    Dataset<Row> fresh;
    if (encoded.codes() instanceof TableRows.Written written) {
      // Tasks that encoded no row wrote no file, and with no row to encode no directory either.
      fresh = encoded.counts().accepted() == 0 ? spark.createDataFrame(List.of(), written.schema())
          : spark.read().schema(written.schema()).parquet(written.dir());
    } else {
      fresh = ((TableRows.Pending) encoded.codes()).rows();
    }
    StructType schema = fresh.schema();
    Dataset<Row> copied = plan.copied().select(Arrays.stream(schema.fieldNames()).map(functions::col)
        .toArray(Column[]::new));
    // Read back from Parquet every column is nullable; the table keeps the schema a full encode writes.
    Dataset<Row> all = spark.createDataFrame(fresh.union(copied).javaRDD(), schema);
    RowCounts counts = encoded.counts();
    // The baseline needs the features of the rows it covers: those encoded tonight, or when there
    // are none, the previous partition's rows (all of tonight's are among them).
    DoubleSupplier baseline = counts.accepted() > 0 ? encoded.meanInputBaseline() : () -> plan.previousBaseline();
    return new EncodedCorpus(new RowCounts(counts.read() + plan.copiedRows(), counts.accepted() + plan.copiedRows(),
        counts.rejectsByReason()), encoded.rejects(), new TableRows.Pending(all), OptionalDouble.empty(), baseline);
  }

  /** What the code partition's manifest records of an incremental encode. */
  static Map<String, Object> figures(Plan plan, EncodedCorpus encoded) {
    return Map.of("incremental", true, "compared_with", plan.previous().toString(), "copied_rows", plan.copiedRows(),
        "encoded_rows", encoded.counts().accepted() - plan.copiedRows());
  }

  /** Writes the content keys ({@link #keys}) into the staged code partition. */
  static void writeKeys(Dataset<Row> keys, Path stagedCodes) {
    keys.write().parquet(new Path(stagedCodes, KEYS).toString());
  }

}
