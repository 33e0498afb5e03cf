package io.latentforge.run;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.encode.EncodedCorpus;
import io.latentforge.encode.RowCounts;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.ModelCard;
import io.latentforge.parquet.TableRows;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.report.RunMetrics;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a run publishes for its date under one output root: the rejects, the code table
 * partition with its manifest, {@code metrics.json}, and the catalog entry. Shared by nightly and
 * encode runs, so both publish the same way.
 */
final class OutputPublisher {

  private final SparkSession spark;
  private final OutputLayout out;
  private final String runDate;
  private final CorpusKind kind;
  private final String input;
  private final TableSink sink;
  private final OutputLock lock;
  private static final Column MEAN_RECON_ERROR = avg(col(Columns.RECON_ERROR));

  /** @param lock the run's lock on {@code out}, checked before anything is published */
  OutputPublisher(SparkSession spark, OutputLayout out, String runDate, CorpusKind kind, String input,
      OutputLock lock) {
    this.spark = spark;
    this.out = out;
    this.runDate = runDate;
    this.kind = kind;
    this.input = input;
    this.lock = lock;
    this.sink = new TableSink(spark, lock::requireHeld);
  }

  /**
   * Publishes the rejects, and lets the run go on only when they are within
   * {@code maxRejectFraction} and some rows were accepted.
   */
  RowCounts admit(RowCounts counts, TableRows rejects, double maxRejectFraction) {
    Stage.run(spark, Runs.GROUP, "publish rejects", () -> sink.publish(rejects, out.rejects(), runDate,
        counts.rejected(), PartitionManifest.rejects(input, counts.rejectsByReason())));
    requireRejectsWithin(maxRejectFraction, counts);
    Runs.requireFeaturized(counts, input);
    return counts;
  }

  /** Above input.max-reject-fraction: metrics written, nothing published, exit code 4. */
  private void requireRejectsWithin(double allowed, RowCounts counts) {
    if (counts.rejectedFraction() > allowed) {
      metrics("too_many_rejects", counts, null, null, null);
      throw LatentforgeException.tooManyRejects(String.format(Locale.ROOT,
              "%d of %d rows (%.2f%%) were rejected, above input.max-reject-fraction = %s; by reason: %s. "
                  + "The rejects are in %s/run_date=%s; no codes were published.",
              counts.rejected(), counts.read(), 100 * counts.rejectedFraction(), allowed, counts.rejectsByReason(),
              out.rejects(), runDate),
          "fix the input rows named in the rejects table, or raise input.max-reject-fraction if they are expected.");
    }
  }

  /**
   * A code table holds one code size: other dates published with another size fail the run before
   * any work, since readers of the table could not mix them.
   */
  void requireCodeShape(int codeSize, boolean binary) {
    Map<String, Object> others = new TreeMap<>();
    Path table = new Path(out.codes());
    try {
      FileSystem fs = table.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(table)) {
        return;
      }
      for (FileStatus partition : fs.listStatus(table)) {
        String name = partition.getPath().getName();
        if (!name.startsWith(Columns.RUN_DATE + "=") || name.equals(Columns.RUN_DATE + "=" + runDate)) {
          continue;
        }
        PartitionManifest other = TableSink.manifest(spark.sparkContext().hadoopConfiguration(), partition.getPath());
        if (other != null && other.codeSize() != null
            && (other.codeSize() != codeSize || other.binary() != binary)) {
          others.put(name, other.codeSize() + (other.binary() ? " binary" : ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifests of " + table, e);
    }
    if (!others.isEmpty()) {
      throw LatentforgeException.usage("The code table " + out.codes() + " holds codes of another shape than "
              + codeSize + (binary ? " binary" : "") + ": " + others + " (code sizes, binary when with code_bits).",
          "publish codes of a new size or kind under a new output root, or remove the old partitions first.");
    }
  }

  /**
   * Publishes the code table partition and returns the codes' mean reconstruction error: the
   * encoding's, or read back from the published rows in the validation's read.
   */
  double codes(EncodedCorpus encoded, PartitionManifest manifest) {
    long rows = encoded.counts().accepted();
    if (encoded.meanReconError().isPresent()) {
      sink.publish(encoded.codes(), out.codes(), runDate, rows, manifest);
      return encoded.meanReconError().getAsDouble();
    }
    return sink.publish(encoded.codes(), out.codes(), runDate, rows, manifest, MEAN_RECON_ERROR).getDouble(1);
  }

  /**
   * A directory for an encoding's own tables, under the code table's {@code _staging/}, so that
   * publishing them is a rename; removed with whatever is left in it when closed.
   */
  Staging staging() {
    return new Staging(sink.partition(out.codes(), runDate));
  }

  static final class Staging implements AutoCloseable {
    private final TableSink.Partition partition;
    private final Path dir;

    private Staging(TableSink.Partition partition) {
      this.partition = partition;
      this.dir = partition.staging();
    }

    String dir() {
      return dir.toString();
    }

    @Override
    public void close() {
      partition.discard(dir);
    }
  }

  /** Registers or refreshes the code table in the session catalog, with its partitions. */
  void registerTable(String table) {
    if (!spark.catalog().tableExists(table)) {
      spark.catalog().createTable(table, out.codes(), "parquet");
    }
    spark.catalog().recoverPartitions(table);
    spark.catalog().refreshTable(table);
  }

  /** The date's metrics.json, begun afresh: the steps after publishing add their sections to it. */
  void metrics(String status, RowCounts counts, String modelId, List<EpochMetrics> epochs, ModelCard.Metrics errors) {
    RunMetrics metrics = new RunMetrics(RunMetrics.FORMAT_VERSION, status, runDate, kind.name().toLowerCase(Locale.ROOT),
        input, counts.asRows(), modelId, epochs, errors, Instant.now().toString(), null, null, null);
    lock.requireHeld();
    HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new Path(out.metrics(runDate)), metrics);
  }
}
