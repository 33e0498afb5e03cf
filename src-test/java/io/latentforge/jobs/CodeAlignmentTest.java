package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.jobs.demo.DemoCorpora;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish.align = procrustes}: a model retrained on an unchanged corpus (another seed)
 * writes codes much closer to yesterday's than without alignment, and the rotation changes no
 * neighbour.
 */
@ExtendWith(SparkSessionExtension.class)
class CodeAlignmentTest {

  @TempDir
  Path dir;

  private String[] nightly(String corpus, String out, String date, String... sets) {
    List<String> args = new ArrayList<>(List.of("nightly", "--kind", "image", "--input", corpus, "--output", out,
        "--run-date", date, "--set", "train.epochs=12", "--set", "model.code-size=6", "--set",
        "model.encoder-layers=[32]", "--set", "nightly.steps=[]"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return args.toArray(String[]::new);
  }

  private static Map<String, double[]> codes(SparkSession spark, String out, String date) {
    Map<String, double[]> codes = new HashMap<>();
    for (Row r : spark.read().parquet(out + "/codes/run_date=" + date).select("id", "code").collectAsList()) {
      List<Float> c = r.getList(1);
      codes.put(r.getString(0), c.stream().mapToDouble(Float::doubleValue).toArray());
    }
    return codes;
  }

  private static double meanDistance(Map<String, double[]> a, Map<String, double[]> b) {
    return a.keySet().stream().mapToDouble(id -> {
      double s = 0;
      for (int j = 0; j < a.get(id).length; j++) {
        double d = a.get(id)[j] - b.get(id)[j];
        s += d * d;
      }
      return Math.sqrt(s);
    }).average().orElseThrow();
  }

  @Test
  void alignedCodesOfARetrainedModelStayCloseToYesterdaysAndKeepTheirNeighbours(SparkSession spark)
      throws IOException {
    String corpus = dir.resolve("images").toString();
    DemoCorpora.images(spark, 240, 17).write().parquet(corpus);
    String aligned = dir.resolve("aligned").toString();
    assertThat(CliErrorsTest.cli(nightly(corpus, aligned, "2026-10-01")).exitCode()).isZero();
    String unaligned = dir.resolve("unaligned").toString();
    TestFiles.copyTree(Path.of(aligned), Path.of(unaligned));

    assertThat(CliErrorsTest.cli(nightly(corpus, aligned, "2026-10-02", "train.seed=7")).exitCode()).isZero();
    assertThat(CliErrorsTest.cli(nightly(corpus, unaligned, "2026-10-02", "train.seed=7", "publish.align=none"))
        .exitCode()).isZero();

    Map<String, double[]> yesterday = codes(spark, aligned, "2026-10-01");
    Map<String, double[]> rotated = codes(spark, aligned, "2026-10-02");
    Map<String, double[]> raw = codes(spark, unaligned, "2026-10-02");
    double near = meanDistance(rotated, yesterday);
    double far = meanDistance(raw, yesterday);
    assertThat(near).as("aligned %s against unaligned %s", near, far).isLessThan(0.6 * far);

    // Same training (same seed, same JVM), codes differing by a rotation only: every distance, so
    // every neighbour list, is the same.
    List<String> ids = new ArrayList<>(rotated.keySet());
    for (int i = 0; i < 40; i++) {
      String a = ids.get(i);
      String b = ids.get(ids.size() - 1 - i);
      assertThat(distance(rotated.get(a), rotated.get(b))).isCloseTo(distance(raw.get(a), raw.get(b)),
          org.assertj.core.api.Assertions.within(1e-4 * (1 + distance(raw.get(a), raw.get(b)))));
    }
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (a[j] - b[j]) * (a[j] - b[j]);
    }
    return Math.sqrt(s);
  }
}
