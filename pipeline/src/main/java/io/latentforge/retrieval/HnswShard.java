package io.latentforge.retrieval;

import io.latentforge.config.Metric;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * One shard of an HNSW index: a Lucene index of one segment, each document a code (laid out as
 * exact search lays it out: unit length for cosine, indexed by dot product, which is then exact)
 * and its id. Opened, it keeps the ids and codes in memory, so that the candidates the graph finds
 * are ranked by the exact distance, with exact search's tie rule.
 */
final class HnswShard implements Closeable {

  static final String FIELD = "code";
  private static final String ID = "id";
  /** Lucene's indexing buffer: large enough that a shard is flushed as one segment, whose graph is never rebuilt. */
  private static final double RAM_BUFFER_MB = 1536;

  private final Directory directory;
  private final DirectoryReader reader;
  private final LeafReader leaf;
  private final CodeBlock codes;
  private final Metric metric;

  private HnswShard(Directory directory, DirectoryReader reader, CodeBlock codes, Metric metric) {
    this.directory = directory;
    this.reader = reader;
    this.leaf = reader.leaves().get(0).reader();
    this.codes = codes;
    this.metric = metric;
  }

  static VectorSimilarityFunction similarity(Metric metric) {
    return switch (metric) {
      case COSINE -> VectorSimilarityFunction.DOT_PRODUCT;
      case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
      case HAMMING -> throw new IllegalArgumentException("hamming codes are searched exactly, not indexed");
    };
  }

  /**
   * Writes the codes of {@code block} as a one-segment index into the empty directory {@code dir},
   * with HNSW parameters {@code m} and {@code efConstruction}, in {@link LocalityOrder}, the graph
   * built by {@code threads} threads.
   */
  static void build(CodeBlock block, Metric metric, int m, int efConstruction, int threads, Path dir) {
    CodeBlock ordered = block.permuted(LocalityOrder.of(block));
    ExecutorService workers = threads > 1 && ordered.rows() > 1 ? Executors.newFixedThreadPool(threads) : null;
    StagingCodec codec = new StagingCodec(workers == null ? new Lucene99HnswVectorsFormat(m, efConstruction)
        : new Lucene99HnswVectorsFormat(m, efConstruction, threads, workers), workers != null);
    IndexWriterConfig config = new IndexWriterConfig().setCodec(codec).setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setRAMBufferSizeMB(RAM_BUFFER_MB).setUseCompoundFile(false);
    VectorSimilarityFunction similarity = similarity(metric);
    try (Directory directory = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(directory, config)) {
      for (int i = 0; i < ordered.rows(); i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(FIELD, ordered.row(i), similarity));
        doc.add(new StoredField(ID, ordered.ids[i]));
        writer.addDocument(doc);
        if (codec.staging && i == ordered.rows() / 2 - 1) {
          writer.flush(); // two segments, so that forceMerge merges them
        }
      }
      writer.flush();
      codec.staging = false;
      // The graph is built here when staged, and a shard too large for the buffer becomes one graph.
      writer.forceMerge(1);
      writer.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build an HNSW shard in " + dir, e);
    } finally {
      if (workers != null) {
        workers.shutdownNow();
      }
    }
    try {
      // The writer's lock file is no part of the index; readers never take it.
      Files.deleteIfExists(dir.resolve(IndexWriter.WRITE_LOCK_NAME));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Lucene builds a segment's graph on one thread as documents are added, and on several only when
   * it merges segments that have no graph to start from. So a build on several threads first
   * writes the codes without a graph (Lucene's flat quantized format, which keeps the floats as
   * given), then merges them into one segment of {@code graph}'s format: the shard written holds
   * only the latter.
   */
  private static final class StagingCodec extends Lucene912Codec {
    private final KnnVectorsFormat graph;
    private final KnnVectorsFormat flat = new Lucene99ScalarQuantizedVectorsFormat();
    volatile boolean staging;

    StagingCodec(KnnVectorsFormat graph, boolean staging) {
      this.graph = graph;
      this.staging = staging;
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
      return staging ? flat : graph;
    }
  }

  /** Opens the shard built in the local directory {@code dir}; {@code key} names its codes in merges. */
  static HnswShard open(Path dir, Metric metric, long key) {
    Directory directory = null;
    try {
      directory = FSDirectory.open(dir);
      DirectoryReader reader = DirectoryReader.open(directory);
      if (reader.leaves().size() != 1) {
        reader.close();
        throw new IllegalStateException("the HNSW shard in " + dir + " has " + reader.leaves().size()
            + " segments; a shard written by latentforge has one");
      }
      return new HnswShard(directory, reader, load(reader.leaves().get(0).reader(), key), metric);
    } catch (IOException e) {
      closeQuietly(directory);
      throw new UncheckedIOException("cannot open the HNSW shard in " + dir, e);
    }
  }

  /** The shard's ids and codes, by document. */
  private static CodeBlock load(LeafReader leaf, long key) throws IOException {
    int n = leaf.maxDoc();
    String[] ids = new String[n];
    StoredFields stored = leaf.storedFields();
    for (int doc = 0; doc < n; doc++) {
      ids[doc] = stored.document(doc).get(ID);
    }
    FloatVectorValues vectors = leaf.getFloatVectorValues(FIELD);
    int dim = vectors.dimension();
    float[] values = new float[n * dim];
    for (int doc = vectors.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = vectors.nextDoc()) {
      System.arraycopy(vectors.vectorValue(), 0, values, doc * dim, dim);
    }
    return CodeBlock.laidOut(key, ids, dim, values);
  }

  int rows() {
    return codes.rows();
  }

  int dimension() {
    return codes.dim;
  }

  /**
   * The neighbours of each query of {@code queries} (laid out for this metric) among the shard's
   * codes into {@code into}: the {@code ef} candidates the graph finds, by exact distance, each
   * query's own id excluded.
   */
  void search(CodeBlock queries, int ef, TopK into) {
    // Consecutive searches for nearby queries walk the same part of the graph, still in cache.
    for (int q : LocalityOrder.of(queries)) {
      for (ScoreDoc hit : candidates(queries.row(q), ef).scoreDocs) {
        if (!queries.ids[q].equals(codes.ids[hit.doc])) {
          into.offer(q, queries.distance(q, codes, hit.doc, metric), codes.ids[hit.doc]);
        }
      }
    }
  }

  private TopDocs candidates(float[] query, int ef) {
    try {
      return leaf.searchNearestVectors(FIELD, query, ef, null, Integer.MAX_VALUE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search an HNSW shard", e);
    }
  }

  @Override
  public void close() {
    closeQuietly(reader);
    closeQuietly(directory);
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // nothing was written; the files stay readable
    }
  }

  /** Removes a local directory tree (a shard's build or copy). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
