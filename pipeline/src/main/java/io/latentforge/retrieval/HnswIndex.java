package io.latentforge.retrieval;

import io.latentforge.LatentforgeException;
import io.latentforge.config.Metric;
import io.latentforge.fs.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A published HNSW index partition ({@code OUT/indexes/run_date=D}), opened for k-NN queries of
 * new vectors: from any Hadoop file system (shards on other file systems are first copied to a
 * local temporary directory, removed by {@link #close}). Thread-safe for searches.
 *
 * <pre>{@code
 * try (HnswIndex index = HnswIndex.open(new Configuration(), "hdfs:///embeddings", LocalDate.parse("2026-11-30"))) {
 *   for (HnswIndex.Neighbor n : index.search(vector, 10)) {
 *     System.out.println(n.id() + " " + n.distance());
 *   }
 * }
 * }</pre>
 */
public final class HnswIndex implements AutoCloseable {

  /** A neighbour: the row id of the code table and its distance by the index's metric. */
  public record Neighbor(String id, double distance) {}

  private final IndexManifest manifest;
  private final Metric metric;
  private final List<HnswShard> shards;
  private final List<java.nio.file.Path> copies;

  private HnswIndex(IndexManifest manifest, List<HnswShard> shards, List<java.nio.file.Path> copies) {
    this.manifest = manifest;
    this.metric = metric(manifest);
    this.shards = shards;
    this.copies = copies;
  }

  /** The index of {@code runDate} under the output root {@code output}. */
  public static HnswIndex open(Configuration hadoop, String output, LocalDate runDate) {
    return open(hadoop, output + "/indexes/run_date=" + runDate);
  }

  /** The index partition at {@code partition}. */
  public static HnswIndex open(Configuration hadoop, String partition) {
    IndexManifest manifest = manifest(hadoop, new Path(partition));
    List<HnswShard> shards = new ArrayList<>();
    List<java.nio.file.Path> copies = new ArrayList<>();
    try {
      for (IndexManifest.Shard shard : manifest.shards()) {
        Local local = local(hadoop, new Path(partition, shard.name()));
        if (local.copy()) {
          copies.add(local.dir().getParent());
        }
        shards.add(HnswShard.open(local.dir(), metric(manifest), shards.size()));
      }
      return new HnswIndex(manifest, shards, copies);
    } catch (RuntimeException e) {
      new HnswIndex(manifest, shards, copies).close();
      throw e;
    }
  }

  /** The manifest of the index partition at {@code partition}; a clear error when there is none. */
  public static IndexManifest manifest(Configuration hadoop, Path partition) {
    IndexManifest manifest = HadoopFiles.readIfExists(hadoop, new Path(partition, IndexManifest.FILE),
        IndexManifest::read);
    if (manifest == null) {
      throw LatentforgeException.usage("No HNSW index is published at " + partition + ".",
          "build one with `latentforge index --output OUT --run-date D` (or the nightly step index).");
    }
    return manifest;
  }

  static Metric metric(IndexManifest manifest) {
    return Metric.valueOf(manifest.metric().toUpperCase(Locale.ROOT));
  }

  /** A shard directory on the local disk: the shard itself on a local file system, else a temporary copy. */
  record Local(java.nio.file.Path dir, boolean copy) {}

  static Local local(Configuration hadoop, Path shard) {
    try {
      FileSystem fs = shard.getFileSystem(hadoop);
      if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
        return new Local(java.nio.file.Path.of(fs.makeQualified(shard).toUri()), false);
      }
      java.nio.file.Path tmp = Files.createTempDirectory("latentforge-hnsw-");
      fs.copyToLocalFile(false, shard, new Path(tmp.toUri()), true);
      return new Local(tmp.resolve(shard.getName()), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the HNSW shard " + shard, e);
    }
  }

  public IndexManifest manifest() {
    return manifest;
  }

  public Metric metric() {
    return metric;
  }

  public int dimension() {
    return manifest.dimension();
  }

  /** Codes in the index. */
  public long size() {
    return shards.stream().mapToLong(HnswShard::rows).sum();
  }

  /** The k nearest codes to {@code vector}, searching each shard with the ef-search it was built with. */
  public List<Neighbor> search(float[] vector, int k) {
    return search(vector, k, manifest.efSearch());
  }

  /** The k nearest codes to {@code vector}, keeping {@code ef} candidates per shard (at least k). */
  public List<Neighbor> search(float[] vector, int k, int ef) {
    if (vector.length != dimension()) {
      throw new IllegalArgumentException("the index holds codes of " + dimension() + " values; the query has "
          + vector.length);
    }
    // No row id can equal this one: a new vector excludes nothing.
    CodeBlock query = CodeBlock.of(0, List.of(new Code("\u0000query", vector, null)), metric);
    TopK top = new TopK(query.ids, k);
    for (HnswShard shard : shards) {
      shard.search(query, Math.max(ef, k), top);
    }
    List<Neighbor> out = new ArrayList<>(top.size(0));
    for (int r = 0; r < top.size(0); r++) {
      out.add(new Neighbor(top.id(0, r), top.distance(0, r)));
    }
    return out;
  }

  @Override
  public void close() {
    shards.forEach(HnswShard::close);
    copies.forEach(HnswShard::deleteTree);
  }
}
