package io.latentforge.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.IndexSettings;
import io.latentforge.config.Metric;
import io.latentforge.config.NeighborSettings;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.schema.Columns;
import io.latentforge.testing.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HNSW search (Lucene graphs built by Spark tasks) against exact search: identical tables when
 * every shard's search keeps the whole corpus as candidates, whatever the shards; high recall on
 * clustered codes with the default parameters; the Java API on new vectors.
 */
@ExtendWith(SparkSessionExtension.class)
class HnswSearchTest {

  private static final StructType SCHEMA = new StructType()
      .add(Columns.ID, DataTypes.StringType, false)
      .add(Columns.CODE, DataTypes.createArrayType(DataTypes.FloatType, false), false);
  /** The defaults of conf/latentforge.conf. */
  private static final IndexSettings DEFAULTS = ConfigLoader.load(null, List.of()).index();

  @TempDir
  Path tmp;

  private static NeighborSettings settings(int k, Metric metric) {
    return new NeighborSettings(k, metric, 256, new NeighborSettings.Approximate(8, 0, 100, 200), 7);
  }

  /** {@code clusters} gaussian blobs (0: one gaussian), ids in a random order. */
  private static Dataset<Row> codes(SparkSession spark, int n, int dim, int clusters, long seed) {
    Random random = new Random(seed);
    float[][] centres = new float[Math.max(1, clusters)][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = clusters == 0 ? 0 : (float) (4 * random.nextGaussian());
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] centre = centres[random.nextInt(centres.length)];
      Float[] code = new Float[dim];
      for (int j = 0; j < dim; j++) {
        code[j] = centre[j] + (float) random.nextGaussian();
      }
      rows.add(RowFactory.create(String.format("r%05d", random.nextInt(1_000_000) * 100 + i % 100), code));
    }
    return spark.createDataFrame(rows, SCHEMA).dropDuplicates(Columns.ID);
  }

  private IndexManifest build(SparkSession spark, Dataset<Row> codes, Metric metric, IndexSettings settings,
      String name) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve(name).toString());
    HnswSearch.Built built = HnswSearch.build(spark, codes, codes.count(), metric, settings, dir, "model-1",
        HnswSearch.checksum(codes));
    IndexManifest manifest = built.manifest().published("2026-11-30", "run-1");
    HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new org.apache.hadoop.fs.Path(dir,
        IndexManifest.FILE), manifest);
    return manifest;
  }

  private NeighborSearch.Result search(SparkSession spark, String name, IndexManifest manifest, Dataset<Row> queries,
      NeighborSettings settings, int ef) {
    return HnswSearch.search(spark, new org.apache.hadoop.fs.Path(tmp.resolve(name).toString()), manifest, queries,
        settings, ef, null);
  }

  private static List<Row> sorted(NeighborSearch.Result result) {
    return result.rows().orderBy(NeighborSearch.QUERY_ID, NeighborSearch.RANK).collectAsList();
  }

  @ParameterizedTest
  @EnumSource(value = Metric.class, names = {"COSINE", "EUCLIDEAN"})
  void withEveryCodeACandidateTheIndexIsExactSearchInOneShardOrMany(Metric metric, SparkSession spark)
      throws IOException {
    Dataset<Row> codes = codes(spark, 600, 8, 0, 11).cache();
    NeighborSettings settings = settings(5, metric);
    // Shards built on one thread each; the single graph on two (written without a graph, then merged).
    IndexSettings many = new IndexSettings(200, 8, 40, 600, 0, 0.95, 0, 1);
    IndexManifest sharded = build(spark, codes, metric, many, "many-" + metric);
    IndexManifest single = build(spark, codes, metric, new IndexSettings(10_000, 8, 40, 600, 0, 0.95, 0, 2),
        "one-" + metric);
    try (Stream<Path> files = Files.list(tmp.resolve("one-" + metric).resolve(single.shards().get(0).name()))) {
      // Only the graph's format is left in the shard, not the staging one.
      assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.contains("Vectors")))
          .isNotEmpty().allMatch(f -> f.contains("Lucene99HnswVectorsFormat"));
    }
    assertThat(sharded.shards()).hasSize(3);
    assertThat(sharded.shards().stream().mapToLong(IndexManifest.Shard::rows).sum()).isEqualTo(600);
    assertThat(single.shards()).hasSize(1);
    assertThat(sharded.codeRows()).isEqualTo(600);
    assertThat(sharded.codesChecksum()).isEqualTo(single.codesChecksum()).matches("[0-9a-f]{16}");

    List<Row> exact = sorted(NeighborSearch.exact(spark, codes, codes, settings));
    List<Row> fromShards = sorted(search(spark, "many-" + metric, sharded, codes, settings, 600));
    List<Row> fromOne = sorted(search(spark, "one-" + metric, single, codes, settings, 600));
    assertThat(exact).hasSize(600 * 5);
    // Same neighbours, ranks and distances (re-ranked exactly as exact search ranks them).
    assertThat(fromShards).isEqualTo(exact);
    assertThat(fromOne).isEqualTo(exact);
  }

  @Test
  void recallOnClusteredCodesWithTheDefaultParametersIsAtLeast095(SparkSession spark) {
    Dataset<Row> codes = codes(spark, 20_000, 32, 50, 3).cache();
    NeighborSettings settings = settings(10, Metric.COSINE);
    IndexManifest manifest = build(spark, codes, Metric.COSINE, DEFAULTS, "clustered");
    Dataset<Row> queries = NeighborSearch.recallSample(codes, 7, DEFAULTS.recallQueries()).cache();
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("clustered").toString());
    // ef-search = auto: the smallest of the ladder whose recall reaches min-recall + 0.01.
    IndexRecall.Measured auto = IndexRecall.measure(spark, codes, queries, dir, manifest, settings, null, 0.95);
    assertThat(auto.recall()).isGreaterThanOrEqualTo(0.96);
    assertThat(auto.queries()).isEqualTo(1000);
    assertThat(auto.queriesPerSecond()).isPositive();
    assertThat(IndexRecall.LADDER).contains(auto.efSearch());
    if (auto.efSearch() > IndexRecall.LADDER[0]) {
      int below = IndexRecall.LADDER[java.util.Arrays.binarySearch(IndexRecall.LADDER, auto.efSearch()) - 1];
      assertThat(IndexRecall.measure(spark, codes, queries, dir, manifest, settings, below, 0.95).recall())
          .isLessThan(0.96);
    }
    NeighborSearch.Result exact = NeighborSearch.exact(spark, codes, queries, settings);
    NeighborSearch.Result found = search(spark, "clustered", manifest, queries, settings, auto.efSearch());
    assertThat(found.count()).isEqualTo(10_000);
    assertThat(NeighborSearch.recall(exact, found)).isEqualTo(auto.recall());
  }

  @Test
  void theJavaApiAnswersNewVectorsAsBruteForceDoes(SparkSession spark) {
    Dataset<Row> codes = codes(spark, 400, 6, 0, 5).cache();
    IndexManifest manifest = build(spark, codes, Metric.EUCLIDEAN, new IndexSettings(150, 8, 40, 400, 0, 0.95, 0, null), "api");
    List<Row> rows = codes.collectAsList();
    float[] query = {0.5f, -0.25f, 1, 0, 0.75f, -1};
    List<HnswIndex.Neighbor> expected = new ArrayList<>();
    for (Row r : rows) {
      List<Float> code = r.getList(1);
      double sum = 0;
      for (int j = 0; j < query.length; j++) {
        sum += (query[j] - (double) code.get(j)) * (query[j] - (double) code.get(j));
      }
      expected.add(new HnswIndex.Neighbor(r.getString(0), Math.sqrt(sum)));
    }
    expected.sort(Comparator.comparingDouble(HnswIndex.Neighbor::distance).thenComparing(HnswIndex.Neighbor::id));
    try (HnswIndex index = HnswIndex.open(new Configuration(), tmp.resolve("api").toString())) {
      assertThat(index.size()).isEqualTo(400);
      assertThat(index.dimension()).isEqualTo(6);
      assertThat(index.metric()).isEqualTo(Metric.EUCLIDEAN);
      assertThat(index.manifest().shards()).hasSize(manifest.shards().size()).hasSizeGreaterThan(1);
      List<HnswIndex.Neighbor> found = index.search(query, 8);
      assertThat(found).extracting(HnswIndex.Neighbor::id)
          .containsExactlyElementsOf(expected.subList(0, 8).stream().map(HnswIndex.Neighbor::id).toList());
      for (int i = 0; i < 8; i++) {
        assertThat(found.get(i).distance()).isCloseTo(expected.get(i).distance(), within(1e-6));
      }
    }
  }

  @Test
  void searchTasksAndBuildThreadsFillTheCores(SparkSession spark) {
    // One shard on 2 cores: 10,000 queries in 6 blocks, not 5 (the fifth task would run alone).
    assertThat(HnswSearch.queryBlockRows(10_000, 2048, 1, 2)).isEqualTo(1667);
    // Two shards: 5 blocks make 10 tasks already.
    assertThat(HnswSearch.queryBlockRows(10_000, 2048, 2, 2)).isEqualTo(2000);
    assertThat(HnswSearch.queryBlockRows(100, 2048, 3, 4)).isEqualTo(25);
    assertThat(HnswSearch.queryBlockRows(1, 2048, 1, 2)).isEqualTo(1);
    int cores = spark.sparkContext().defaultParallelism();
    assertThat(HnswSearch.autoThreads(spark, 1)).isEqualTo(cores);
    assertThat(HnswSearch.autoThreads(spark, cores + 1)).isEqualTo(1);
  }
}
