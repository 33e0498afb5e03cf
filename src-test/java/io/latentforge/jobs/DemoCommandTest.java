package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.testing.SparkSessionExtension;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, at a smaller size: both corpora generated, the images trained with
 * the deep, denoising and convolutional types, the documents with the deep one, all published.
 */
@ExtendWith(SparkSessionExtension.class)
class DemoCommandTest {

  @TempDir
  Path dir;

  @Test
  void demoGeneratesBothCorporaAndPublishesACodeTablePerModel(SparkSession spark) {
    String out = dir.toString();
    CliErrorsTest.Outcome r = CliErrorsTest.cli("demo", "--output", out, "--images", "150", "--documents", "120",
        "--run-date", "2026-03-04", "--set", "train.epochs=2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("nightly image run 2026-03-04", "nightly text run 2026-03-04", "rows read        150",
        "rows read        120", "rejects          none", "index            HNSW, 1 shard(s), recall@10");
    assertThat(r.out()).containsPattern("neighbours +[0-9]+ rows, k=10, cosine, hnsw");
    assertThat(spark.read().parquet(out + "/corpora/images").columns()).containsExactly("id", "image", "label");
    assertThat(spark.read().parquet(out + "/corpora/documents").columns()).containsExactly("id", "text", "label");
    assertThat(r.out()).contains("images, deep", "images, denoising (masking 0.2)", "images, conv",
        "documents, denoising (masking 0.2)");
    for (String type : new String[] {"deep", "denoising", "conv"}) {
      assertThat(spark.read().parquet(out + "/images-" + type + "/codes").count()).isEqualTo(150);
      assertThat(spark.read().option("multiLine", true).json(out + "/images-" + type + "/models/*/model.json").select("type").first().getString(0))
          .isEqualTo(type);
    }
    assertThat(spark.read().parquet(out + "/documents/codes").count()).isEqualTo(120);
  }
}
