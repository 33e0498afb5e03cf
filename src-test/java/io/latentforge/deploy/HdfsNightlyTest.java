package io.latentforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.jobs.Main;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.retrieval.HnswIndex;
import io.latentforge.testing.SparkSessionExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** nightly with its corpus on HDFS and the model, code table and rejects written to hdfs:// (a MiniDFSCluster). */
@ExtendWith(SparkSessionExtension.class)
class HdfsNightlyTest {

  @TempDir
  Path dir;

  @Test
  void nightlyReadsItsCorpusFromHdfsAndPublishesThere(SparkSession spark) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      dfs.waitActive();
      String root = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
      String corpus = root + "/corpora/images";
      String out = root + "/latent";
      DemoCorpora.images(spark, 200, 5).write().parquet(corpus);

      StringWriter stdout = new StringWriter();
      StringWriter stderr = new StringWriter();
      int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "nightly", "--kind", "image",
          "--input", corpus, "--output", out, "--run-date", "2026-11-27", "--set", "train.epochs=2",
          "--set", "index.min-rows=0");
      assertThat(code).as(stderr.toString()).isZero();

      assertThat(spark.read().parquet(out + "/codes").where("run_date = '2026-11-27'").count()).isEqualTo(200);
      FileSystem fs = FileSystem.get(java.net.URI.create(root), spark.sparkContext().hadoopConfiguration());
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/codes/run_date=2026-11-27/_MANIFEST.json"))).isTrue();
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/reports/run_date=2026-11-27/metrics.json"))).isTrue();
      FileStatus[] models = fs.listStatus(new org.apache.hadoop.fs.Path(out + "/models"),
          p -> !p.getName().startsWith("_"));
      assertThat(models).hasSize(1);
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(models[0].getPath(), "network.bin"))).isTrue();
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(models[0].getPath(), "model.json"))).isTrue();
      // Nothing left behind: no lock, no DL4J scratch files.
      assertThat(Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(out))).map(s -> s.getPath().getName()))
          .doesNotContain("_lock", "_scratch");

      // The nightly's HNSW index on HDFS, opened by the Java API (shards copied to a local directory) and
      // searched through by neighbors --index.
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(out + "/indexes/run_date=2026-11-27/_MANIFEST.json"))).isTrue();
      List<Row> codes = spark.read().parquet(out + "/codes/run_date=2026-11-27").select("id", "code").limit(1)
          .collectAsList();
      List<Float> first = codes.get(0).getList(1);
      float[] query = new float[first.size()];
      for (int j = 0; j < query.length; j++) {
        query[j] = first.get(j);
      }
      try (HnswIndex index = HnswIndex.open(spark.sparkContext().hadoopConfiguration(), out,
          java.time.LocalDate.parse("2026-11-27"))) {
        assertThat(index.size()).isEqualTo(200);
        List<HnswIndex.Neighbor> found = index.search(query, 5);
        assertThat(found).hasSize(5);
        assertThat(found).extracting(HnswIndex.Neighbor::id).contains(codes.get(0).getString(0));
        assertThat(found.get(0).distance()).isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-6));
      }
      code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "neighbors", "--index", "--output",
          out, "--run-date", "2026-11-27");
      assertThat(code).as(stderr.toString()).isZero();
      assertThat(spark.read().parquet(out + "/neighbors").where("run_date = '2026-11-27'").count()).isEqualTo(2000);

      // Tomorrow's encode with that model, read from and written to HDFS too.
      code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "encode", "--kind", "image",
          "--input", corpus, "--output", out, "--model", models[0].getPath().toString(), "--run-date", "2026-11-28");
      assertThat(code).as(stderr.toString()).isZero();
      assertThat(spark.read().parquet(out + "/codes").where("run_date = '2026-11-28'").count()).isEqualTo(200);
    } finally {
      dfs.shutdown(true);
    }
  }
}
