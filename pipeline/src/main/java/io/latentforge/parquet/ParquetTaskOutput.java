package io.latentforge.parquet;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.internal.io.SparkHadoopWriterUtils;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Parquet tables written from inside the tasks of one job that is not a Spark write: one pass over
 * a corpus that writes more than one table (e.g. codes and rejects), each under its own
 * subdirectory of {@code dir}. The files are committed with the session's commit protocol
 * ({@code spark.sql.sources.commitProtocolClass}, as Spark's own writers are), so a failed or
 * speculative task attempt leaves no file behind and no table file appears before the job commits.
 */
public final class ParquetTaskOutput implements Serializable {

  private final String[] tables;
  private final StructType[] schemas;
  private final OutputWriterFactory[] factories;
  /** Per table: the job's configuration with that table's schema; the first is the committer's. */
  private final SerializableConfiguration[] confs;
  private final FileCommitProtocol committer;
  private final String jobTrackerId = SparkHadoopWriterUtils.createJobTrackerID(new Date());
  private final transient Job job;

  /** A task's own work on its rows: written through {@code files}; returns a small summary for the driver. */
  public interface TaskBody<T, R> extends Serializable {
    R write(Iterator<T> rows, Files files);
  }

  private ParquetTaskOutput(SparkSession spark, String dir, Map<String, StructType> tables, Map<String, String> hadoop) {
    this.tables = tables.keySet().toArray(String[]::new);
    this.schemas = tables.values().toArray(StructType[]::new);
    this.factories = new OutputWriterFactory[this.tables.length];
    this.confs = new SerializableConfiguration[this.tables.length];
    Job first = null;
    for (int t = 0; t < this.tables.length; t++) {
      Configuration conf = spark.sessionState().newHadoopConf();
      hadoop.forEach(conf::set);
      try {
        Job table = Job.getInstance(conf);
        table.setOutputKeyClass(Void.class);
        table.setOutputValueClass(InternalRow.class);
        FileOutputFormat.setOutputPath(table, new Path(dir));
        factories[t] = new ParquetFileFormat().prepareWrite(spark, table, scala.collection.immutable.Map$.MODULE$.empty(),
            schemas[t]);
        confs[t] = new SerializableConfiguration(table.getConfiguration());
        first = first == null ? table : first;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the Parquet output " + dir, e);
      }
    }
    this.job = first;
    this.committer = FileCommitProtocol.instantiate(spark.sessionState().conf().fileCommitProtocolClass(),
        UUID.randomUUID().toString(), dir, false);
  }

  /**
   * @param tables subdirectory name to the schema of its rows, in a stable order
   * @param hadoop Hadoop settings for the writers (e.g. {@code parquet.enable.dictionary})
   */
  public static ParquetTaskOutput of(SparkSession spark, String dir, Map<String, StructType> tables,
      Map<String, String> hadoop) {
    return new ParquetTaskOutput(spark, dir, new LinkedHashMap<>(tables), hadoop);
  }

  /** The schema of the rows of {@code table}. */
  public StructType schema(String table) {
    return schemas[Arrays.asList(tables).indexOf(table)];
  }

  /**
   * Runs {@code body} over every partition of {@code rows} as one job and commits the files of
   * the successful attempts; {@code onResult} gets each partition's summary as it arrives, so the
   * driver never holds them all. When anything fails, the job is aborted and the exception thrown.
   */
  public <T, R> void run(SparkSession spark, RDD<T> rows, TaskBody<T, R> body, Consumer<R> onResult) {
    committer.setupJob(job);
    List<FileCommitProtocol.TaskCommitMessage> messages = new ArrayList<>();
    try {
      spark.sparkContext().runJob(rows, new WriteTask<>(this, body), new AbstractFunction2<Object, Committed<R>, BoxedUnit>() {
        @Override
        public BoxedUnit apply(Object partition, Committed<R> done) {
          committer.onTaskCommit(done.message());
          messages.add(done.message());
          onResult.accept(done.summary());
          return BoxedUnit.UNIT;
        }
      }, scala.reflect.ClassTag$.MODULE$.apply(Committed.class));
      committer.commitJob(job, JavaConverters.asScalaBuffer(messages).toSeq());
    } catch (Throwable e) { // also the SparkException runJob throws undeclared
      committer.abortJob(job);
      throw e;
    }
  }

  /**
   * As {@link #run(SparkSession, RDD, TaskBody, Consumer)}, over Spark's internal rows of
   * {@code rows}: the tasks read them without conversion to Java objects.
   */
  public <R> void runOnInternalRows(SparkSession spark, Dataset<Row> rows, TaskBody<InternalRow, R> body,
      Consumer<R> onResult) {
    run(spark, rows.queryExecution().toRdd(), body, onResult);
  }

  /** A task's result: its commit message and its own summary. A class, not a record: Kryo cannot set a record's fields. */
  private static final class Committed<R> implements Serializable {
    private final FileCommitProtocol.TaskCommitMessage message;
    private final R summary;

    Committed(FileCommitProtocol.TaskCommitMessage message, R summary) {
      this.message = message;
      this.summary = summary;
    }

    FileCommitProtocol.TaskCommitMessage message() {
      return message;
    }

    R summary() {
      return summary;
    }
  }

  /** A task attempt's files, one per table, each created at its first row (so no empty files). */
  public final class Files {
    private final TaskAttemptID attempt;
    private final TaskAttemptContext context;
    private final OutputWriter[] writers = new OutputWriter[tables.length];
    private final ExpressionEncoder.Serializer<?>[] toInternal = new ExpressionEncoder.Serializer<?>[tables.length];

    private Files(TaskAttemptID attempt) {
      this.attempt = attempt;
      this.context = context(0);
    }

    private TaskAttemptContext context(int table) {
      Configuration conf = confs[table].value();
      conf.set("mapreduce.job.id", attempt.getJobID().toString());
      conf.set("mapreduce.task.id", attempt.getTaskID().toString());
      conf.set("mapreduce.task.attempt.id", attempt.toString());
      conf.setBoolean("mapreduce.task.ismap", true);
      conf.setInt("mapreduce.task.partition", 0);
      return new TaskAttemptContextImpl(conf, attempt);
    }

    /** Writes {@code row}, laid out as its table's schema, to the table at position {@code table} in {@link #of}'s map. */
    @SuppressWarnings("unchecked")
    public void write(int table, Row row) {
      if (toInternal[table] == null) {
        toInternal[table] = ((ExpressionEncoder<Row>) Encoders.row(schemas[table])).createSerializer();
      }
      write(table, ((ExpressionEncoder.Serializer<Row>) toInternal[table]).apply(row));
    }

    /** The schema of the table at position {@code table}. */
    public StructType schema(int table) {
      return schemas[table];
    }

    /** As {@link #write(int, Row)}, for a row already in Spark's internal form: no conversion. */
    public void write(int table, InternalRow row) {
      if (writers[table] == null) {
        TaskAttemptContext tableContext = table == 0 ? context : context(table);
        String file = committer.newTaskTempFile(context, Option.apply(tables[table]),
            factories[table].getFileExtension(tableContext));
        writers[table] = factories[table].newInstance(file, schemas[table], tableContext);
      }
      writers[table].write(row);
    }

    private void close() {
      for (int t = 0; t < writers.length; t++) {
        if (writers[t] != null) {
          OutputWriter w = writers[t];
          writers[t] = null;
          w.close();
        }
      }
    }
  }

  private static final class WriteTask<T, R> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, Committed<R>>
      implements Serializable {
    private final ParquetTaskOutput output;
    private final TaskBody<T, R> body;

    WriteTask(ParquetTaskOutput output, TaskBody<T, R> body) {
      this.output = output;
      this.body = body;
    }

    @Override
    public Committed<R> apply(TaskContext task, scala.collection.Iterator<T> rows) {
      TaskAttemptID attempt = new TaskAttemptID(new TaskID(
          SparkHadoopWriterUtils.createJobID(output.jobTrackerId, task.stageId()), TaskType.MAP, task.partitionId()),
          task.attemptNumber());
      Files files = output.new Files(attempt);
      output.committer.setupTask(files.context);
      try {
        R summary = body.write(JavaConverters.asJavaIterator(rows), files);
        files.close();
        return new Committed<>(output.committer.commitTask(files.context), summary);
      } catch (Throwable e) {
        try {
          files.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        output.committer.abortTask(files.context);
        throw e;
      }
    }
  }
}
