package io.latentforge.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * What the Parquet files of one directory hold, read from their footers alone: rows and the Spark
 * schema they were written with. Validating a staged partition this way costs no Spark job (about
 * 0.15 s a run in local mode) and reads no column data.
 */
public final class ParquetFooters {

  /** Footers are read concurrently: on HDFS or an object store each is a round trip. */
  private static final int READERS = 16;

  /** Rows of all data files, and the schema of each file (null for a file Spark did not write). */
  public record Summary(long rows, List<StructType> schemas) {}

  /**
   * Where Spark's Parquet writer records the written rows' Spark schema as JSON, in each file's
   * key-value metadata (ParquetReadSupport.SPARK_METADATA_KEY, named here to keep to public APIs).
   */
  private static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  private ParquetFooters() {}

  public static Summary of(Configuration hadoop, Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem(hadoop);
    List<Path> files = new ArrayList<>();
    for (FileStatus status : fs.listStatus(dir)) {
      String name = status.getPath().getName();
      // Hidden files (_SUCCESS, _MANIFEST.json, .crc) are not data, as for Spark's own reader.
      if (status.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
        files.add(status.getPath());
      }
    }
    if (files.isEmpty()) {
      return new Summary(0, List.of());
    }
    long rows = 0;
    List<StructType> schemas = new ArrayList<>();
    for (Footer footer : read(hadoop, files)) {
      if (footer.metadata() == null) {
        throw footer.failure() instanceof IOException io ? io : new IOException(footer.failure());
      }
      rows += footer.metadata().getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
      String json = footer.metadata().getFileMetaData().getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
      schemas.add(json == null ? null : (StructType) DataType.fromJson(json));
    }
    return new Summary(rows, schemas);
  }

  /**
   * The first of {@code files} whose footer cannot be read (a truncated or foreign file), with why;
   * empty when every footer reads.
   */
  public static Optional<String> firstUnreadable(Configuration hadoop, List<Path> files) throws IOException {
    for (Footer footer : read(hadoop, files)) {
      if (footer.metadata() == null) {
        Throwable why = footer.failure();
        while (why.getCause() != null) {
          why = why.getCause();
        }
        // The innermost message names the file (e.g. "FILE is not a Parquet file. Expected magic number ...").
        String message = why.getMessage() == null ? why.toString() : why.getMessage();
        return Optional.of(message.contains(footer.file().getName()) ? message : footer.file() + ": " + message);
      }
    }
    return Optional.empty();
  }

  /** One file's footer, or why it could not be read. */
  private record Footer(Path file, ParquetMetadata metadata, Throwable failure) {}

  private static List<Footer> read(Configuration hadoop, List<Path> files) throws IOException {
    ExecutorService readers = Executors.newFixedThreadPool(Math.max(1, Math.min(READERS, files.size())), r -> {
      Thread thread = new Thread(r, "parquet-footers");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<ParquetMetadata>> pending = new ArrayList<>();
      for (Path file : files) {
        pending.add(readers.submit(() -> footer(hadoop, file)));
      }
      List<Footer> footers = new ArrayList<>();
      for (int f = 0; f < files.size(); f++) {
        try {
          footers.add(new Footer(files.get(f), pending.get(f).get(), null));
        } catch (ExecutionException e) {
          footers.add(new Footer(files.get(f), null, e.getCause()));
        }
      }
      return footers;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading Parquet footers", e);
    } finally {
      readers.shutdownNow();
    }
  }

  private static ParquetMetadata footer(Configuration hadoop, Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      return reader.getFooter();
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read the Parquet footer of " + file + ": " + e.getMessage(), e);
    }
  }
}
