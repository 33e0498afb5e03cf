package io.latentforge.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ConfigLoader;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.publish.DateCommit;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.testing.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promote} on runs a gate stopped (their staged directories stand in for real tables, whose
 * path through a nightly {@code NightlyContinuityTest} covers): the newest or a named run is
 * published; a run older than the one that published the date since is refused.
 */
@ExtendWith(SparkSessionExtension.class)
class PromoteRunTest {

  private static final LocalDate DATE = LocalDate.of(2026, 10, 3);
  private static final LatentforgeConfig CONFIG = ConfigLoader.load(null, List.of());

  @TempDir
  Path dir;

  private OutputLayout out() {
    return new OutputLayout(dir.toString());
  }

  /** A run whose codes partition (a manifest naming the run) is staged, then audited or committed. */
  private void run(SparkSession spark, String runId, boolean audited) {
    DateCommit commit = new DateCommit(spark.sparkContext().hadoopConfiguration(), out(), DATE.toString(), runId,
        () -> {});
    org.apache.hadoop.fs.Path codes = commit.stagePartition(out().codes());
    HadoopFiles.writeJson(spark.sparkContext().hadoopConfiguration(), new org.apache.hadoop.fs.Path(codes,
        TableSink.MANIFEST), java.util.Map.of("format_version", PartitionManifest.FORMAT_VERSION, "run_id", runId));
    if (audited) {
      commit.audit();
    } else {
      commit.commit();
    }
  }

  private String publishedStep() throws IOException {
    return Files.readString(dir.resolve("codes/run_date=" + DATE + "/" + TableSink.MANIFEST));
  }

  @Test
  void theNewestOrANamedStoppedRunIsPublished(SparkSession spark) throws IOException {
    run(spark, "20261003T010000Z-aaaaaaaa", true);
    run(spark, "20261003T020000Z-bbbbbbbb", true);
    PromoteRun promote = new PromoteRun(spark);
    assertThat(promote.execute(dir.toString(), DATE, "20261003T010000Z-aaaaaaaa", CONFIG).runId())
        .isEqualTo("20261003T010000Z-aaaaaaaa");
    assertThat(publishedStep()).contains("20261003T010000Z-aaaaaaaa");
    assertThatThrownBy(() -> promote.execute(dir.toString(), DATE, "20261003T030000Z-cccccccc", CONFIG))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("No run 20261003T030000Z-cccccccc of 2026-10-03 is waiting for review")
        .hasMessageContaining("20261003T020000Z-bbbbbbbb");
    assertThat(promote.execute(dir.toString(), DATE, null, CONFIG).runId()).isEqualTo("20261003T020000Z-bbbbbbbb");
    assertThat(publishedStep()).contains("20261003T020000Z-bbbbbbbb");
    assertThat(dir.resolve("_audit")).doesNotExist();
  }

  @Test
  void aStoppedRunOlderThanTheRunThatPublishedTheDateIsRefused(SparkSession spark) throws IOException {
    run(spark, "20261003T010000Z-aaaaaaaa", true);
    run(spark, "20261003T020000Z-bbbbbbbb", false);
    assertThatThrownBy(() -> new PromoteRun(spark).execute(dir.toString(), DATE, null, CONFIG))
        .isInstanceOf(LatentforgeException.class)
        .hasMessageContaining("Run 20261003T020000Z-bbbbbbbb published 2026-10-03 after the stopped run "
            + "20261003T010000Z-aaaaaaaa");
    assertThat(publishedStep()).contains("20261003T020000Z-bbbbbbbb");
    assertThat(DateCommit.audited(spark.sparkContext().hadoopConfiguration(), out(), DATE.toString())).hasSize(1);
  }
}
