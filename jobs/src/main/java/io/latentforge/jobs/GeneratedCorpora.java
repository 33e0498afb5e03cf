package io.latentforge.jobs;

import io.latentforge.Stage;
import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.publish.CorpusWriter;
import org.apache.spark.sql.SparkSession;

/** Writes the generated demo corpora as Parquet for the demo and the benchmarks. */
final class GeneratedCorpora {

  private GeneratedCorpora() {}

  /** {@code DIR/corpora/images} and {@code DIR/corpora/documents}; a count of 0 skips that corpus. */
  record Paths(String images, String documents) {}

  static Paths write(SparkSession spark, String dir, int images, int documents, long seed) {
    Paths paths = new Paths(dir + "/corpora/images", dir + "/corpora/documents");
    Stage.run(spark, "latentforge.generate", "generate corpora under " + dir, () -> {
      if (images > 0) {
        CorpusWriter.write(spark, DemoCorpora.images(spark, images, seed), paths.images(), true);
      }
      if (documents > 0) {
        CorpusWriter.write(spark, DemoCorpora.documents(spark, documents, seed), paths.documents(), true);
      }
      return null;
    });
    return paths;
  }
}
