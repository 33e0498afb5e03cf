package io.latentforge.importers;

import io.latentforge.LatentforgeException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** File access shared by the importers: listing on any Hadoop file system, gzip by extension. */
final class Sources {

  private Sources() {}

  static FileSystem fs(SparkSession spark, Path path) {
    try {
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw LatentforgeException.badInput("Cannot access " + path + ": " + e.getMessage(), "check the path.");
    }
  }

  /** The files under {@code source} (itself, if a file) whose names match {@code pattern}, sorted. */
  static List<Path> files(SparkSession spark, String source, String pattern, String expected) {
    Path root = new Path(source);
    FileSystem fs = fs(spark, root);
    try {
      if (!fs.exists(root)) {
        throw LatentforgeException.badInput("Import source " + source + " does not exist.", "check SRC.");
      }
      FileStatus[] found = fs.getFileStatus(root).isFile() ? new FileStatus[] {fs.getFileStatus(root)} : fs.listStatus(root);
      List<Path> files = new ArrayList<>();
      for (FileStatus f : found) {
        if (f.isFile() && f.getPath().getName().matches(pattern)) {
          files.add(f.getPath());
        }
      }
      if (files.isEmpty()) {
        throw LatentforgeException.badInput("No " + expected + " found at " + source + ".",
            "point SRC at the file or at the directory holding it (file names matching " + pattern + ").");
      }
      files.sort(null);
      return files;
    } catch (IOException e) {
      throw LatentforgeException.badInput("Cannot list " + source + ": " + e.getMessage(), "check SRC.");
    }
  }

  static DataInputStream open(SparkSession spark, Path file) throws IOException {
    InputStream in = new BufferedInputStream(fs(spark, file).open(file), 1 << 16);
    return new DataInputStream(file.getName().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
  }

  static boolean hasSubdirectories(SparkSession spark, String source) {
    Path root = new Path(source);
    try {
      FileSystem fs = fs(spark, root);
      return fs.exists(root) && Arrays.stream(fs.listStatus(root)).anyMatch(FileStatus::isDirectory);
    } catch (IOException e) {
      return false;
    }
  }
}
