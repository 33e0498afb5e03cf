package io.latentforge.run;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

import io.latentforge.fs.HadoopFiles;
import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.input.Quarantine;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.ModelCard;
import io.latentforge.parquet.ParquetTaskOutput;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.report.RunMetrics;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

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
  /** Subdirectories of a {@link TaskStaging}. */
  private static final String CODES = "codes";
  private static final String REJECTS = "rejects";
  private static final Column MEAN_RECON_ERROR = avg(col(Columns.RECON_ERROR));

  OutputPublisher(SparkSession spark, OutputLayout out, String runDate, CorpusKind kind, String input) {
    this.spark = spark;
    this.out = out;
    this.runDate = runDate;
    this.kind = kind;
    this.input = input;
    this.sink = new TableSink(spark);
  }

  /**
   * Counts the featurized corpus, publishes its rejects, and lets the run go on only when the
   * rejects are within {@code maxRejectFraction} and some rows were featurized.
   */
  RunCounts admit(Quarantine.Split split, double maxRejectFraction) {
    RunCounts counts = Stage.run(spark, Runs.GROUP, "featurize and count rows and rejects",
        () -> RunCounts.of(split));
    Stage.run(spark, Runs.GROUP, "publish rejects", () -> {
      sink.publishPartition(split.rejects(), out.rejects(), runDate, counts.rejected(), rejectsManifest(counts));
      return null;
    });
    return admitted(counts, maxRejectFraction);
  }

  /** As {@link #admit(Quarantine.Split, double)}, for rejects the tasks of one pass staged. */
  RunCounts admit(TaskStaging staged, RunCounts counts, double maxRejectFraction) {
    Stage.run(spark, Runs.GROUP, "publish rejects", () -> {
      staged.publish(staged.rejects, REJECTS, Quarantine.REJECTS, counts.rejected(), rejectsManifest(counts));
      return null;
    });
    return admitted(counts, maxRejectFraction);
  }

  private PartitionManifest rejectsManifest(RunCounts counts) {
    return PartitionManifest.rejects(input, counts.rejectsByReason());
  }

  private RunCounts admitted(RunCounts counts, double maxRejectFraction) {
    requireRejectsWithin(maxRejectFraction, counts);
    Runs.requireFeaturized(counts, input);
    return counts;
  }

  /** Above input.max-reject-fraction: metrics written, nothing published, exit code 4. */
  private void requireRejectsWithin(double allowed, RunCounts counts) {
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

  /** Publishes the code table partition and returns its mean reconstruction error, read back. */
  double codes(Dataset<Row> codes, long rows, PartitionManifest manifest) {
    return sink.publishPartition(codes, out.codes(), runDate, rows, manifest, MEAN_RECON_ERROR).getDouble(1);
  }

  /** As {@link #codes(Dataset, long, PartitionManifest)}, for code rows the tasks of one pass staged; their mean comes from the tasks. */
  void codes(TaskStaging staged, long rows, PartitionManifest manifest) {
    staged.publish(staged.codes, CODES, staged.codeSchema, rows, manifest);
  }

  /**
   * Where the tasks of one pass write tonight's code rows, rejects and {@code extra} tables: one
   * staging directory under the code table's {@code _staging/}, committed as one job's output.
   * Its code rows and rejects are published from there; {@link TaskStaging#close} removes the rest.
   */
  TaskStaging stage(StructType codeSchema, Map<String, StructType> extra) {
    return new TaskStaging(codeSchema, extra);
  }

  final class TaskStaging implements AutoCloseable {
    private final TableSink.Partition codes = sink.partition(out.codes(), runDate);
    private final TableSink.Partition rejects = sink.partition(out.rejects(), runDate);
    private final Path dir = codes.staging();
    private final StructType codeSchema;
    private final ParquetTaskOutput output;

    private TaskStaging(StructType codeSchema, Map<String, StructType> extra) {
      this.codeSchema = codeSchema;
      Map<String, StructType> tables = new LinkedHashMap<>();
      tables.put(CODES, codeSchema);
      tables.put(REJECTS, Quarantine.REJECTS);
      tables.putAll(extra);
      this.output = ParquetTaskOutput.of(spark, dir.toString(), tables, Map.of(TableSink.DICTIONARY, "false"));
    }

    /** Tables in order: code rows, rejects, then the extra ones. */
    ParquetTaskOutput output() {
      return output;
    }

    /** A staged table, once the pass has committed. */
    Dataset<Row> read(String table) {
      return spark.read().schema(output.schema(table)).parquet(new Path(dir, table).toString());
    }

    /** Publishes a staged table, validated from its files' footers. */
    private void publish(TableSink.Partition partition, String table, StructType schema, long rows,
        PartitionManifest manifest) {
      partition.publish(new Path(dir, table), schema, rows, manifest);
    }

    @Override
    public void close() {
      codes.discard(dir);
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
  void metrics(String status, RunCounts counts, String modelId, List<EpochMetrics> epochs, ModelCard.Metrics errors) {
    RunMetrics metrics = new RunMetrics(RunMetrics.FORMAT_VERSION, status, runDate, kind.name().toLowerCase(Locale.ROOT),
        input, counts.asRows(), modelId, epochs, errors, Instant.now().toString(), null, null, null);
    HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new Path(out.metrics(runDate)), metrics);
  }
}
