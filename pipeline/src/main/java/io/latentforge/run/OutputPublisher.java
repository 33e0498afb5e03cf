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
import io.latentforge.publish.DateCommit;
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
 * partition with its manifest, {@code metrics.json}, and the catalog entry. Each is staged in the
 * run's {@link DateCommit}, which makes them visible together. Shared by nightly and encode runs,
 * so both publish the same way.
 */
final class OutputPublisher {

  private final SparkSession spark;
  private final OutputLayout out;
  private final String runDate;
  private final CorpusKind kind;
  private final String input;
  private final DateCommit commit;
  private final TableSink sink;
  private static final Column MEAN_RECON_ERROR = avg(col(Columns.RECON_ERROR));

  OutputPublisher(SparkSession spark, DateCommit commit, CorpusKind kind, String input) {
    this.spark = spark;
    this.commit = commit;
    this.out = commit.layout();
    this.runDate = commit.runDate();
    this.kind = kind;
    this.input = input;
    this.sink = new TableSink(spark, commit);
  }

  /**
   * Stages the rejects, and lets the run go on only when they are within {@code maxRejectFraction}
   * and some rows were accepted.
   */
  RowCounts admit(RowCounts counts, TableRows rejects, double maxRejectFraction) {
    Stage.run(spark, Runs.GROUP, "stage rejects", () -> sink.stage(rejects, out.rejects(), counts.rejected(),
        PartitionManifest.rejects(input, counts.rejectsByReason())));
    requireRejectsWithin(maxRejectFraction, counts);
    Runs.requireFeaturized(counts, input);
    return counts;
  }

  /** Above input.max-reject-fraction: nothing published, the rejects and metrics kept in the run's area, exit 4. */
  private void requireRejectsWithin(double allowed, RowCounts counts) {
    if (counts.rejectedFraction() > allowed) {
      metrics("too_many_rejects", counts, null, null, null);
      throw LatentforgeException.tooManyRejects(String.format(Locale.ROOT,
              "%d of %d rows (%.2f%%) were rejected, above input.max-reject-fraction = %s; by reason: %s. "
                  + "Nothing was published: the date's tables are as they were. This run's rejects are in %s, "
                  + "its metrics in %s.",
              counts.rejected(), counts.read(), 100 * counts.rejectedFraction(), allowed, counts.rejectsByReason(),
              kept(out.rejects()), kept(out.reports()) + "/" + RunMetrics.FILE),
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

  /** Where a table's staged partition is kept when the run publishes nothing (see {@link DateCommit#abandon}). */
  private String kept(String table) {
    return new Path(commit.runArea(), new Path(table).getName()).toString();
  }

  /**
   * Stages the code table partition and returns the codes' mean reconstruction error: the
   * encoding's, or read back from the staged rows in the validation's read.
   */
  double codes(EncodedCorpus encoded, PartitionManifest manifest) {
    long rows = encoded.counts().accepted();
    if (encoded.meanReconError().isPresent()) {
      sink.stage(encoded.codes(), out.codes(), rows, manifest);
      return encoded.meanReconError().getAsDouble();
    }
    return sink.stage(encoded.codes(), out.codes(), rows, manifest, MEAN_RECON_ERROR).getDouble(1);
  }

  /** The staged code partition of the date (after {@link #codes}). */
  Path stagedCodes() {
    return commit.staged(commit.partition(out.codes()));
  }

  /** Makes everything staged visible at once (see {@link DateCommit#commit}). */
  void commit() {
    Stage.run(spark, Runs.GROUP, "publish the outputs of " + runDate, () -> {
      commit.commit();
      return null;
    });
  }

  /** Registers or refreshes the code table in the session catalog, with its partitions. */
  void registerTable(String table) {
    registerTable(spark, out, table);
  }

  static void registerTable(SparkSession spark, OutputLayout out, String table) {
    if (!spark.catalog().tableExists(table)) {
      spark.catalog().createTable(table, out.codes(), "parquet");
    }
    spark.catalog().recoverPartitions(table);
    spark.catalog().refreshTable(table);
  }

  /** The date's metrics.json, begun afresh in the staged report: the steps after encoding add their sections to it. */
  void metrics(String status, RowCounts counts, String modelId, List<EpochMetrics> epochs, ModelCard.Metrics errors) {
    RunMetrics metrics = new RunMetrics(RunMetrics.FORMAT_VERSION, status, runDate, kind.name().toLowerCase(Locale.ROOT),
        input, counts.asRows(), modelId, epochs, errors, Instant.now().toString(), null, null, null, commit.runId(), null, null, null);
    HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new Path(commit.report(false), RunMetrics.FILE),
        metrics);
  }

  /**
   * A run that diverged keeps its metrics (status diverged, the rows it read) in its own area; the
   * failure then says where.
   */
  LatentforgeException diverged(LatentforgeException e, RowCounts counts, String modelId) {
    metrics("diverged", counts, modelId, null, null);
    return e.noting("Its metrics are in " + kept(out.reports()) + "/" + RunMetrics.FILE + ".");
  }
}
