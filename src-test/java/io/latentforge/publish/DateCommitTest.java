package io.latentforge.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.fs.HadoopFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit of a date's outputs on the local file system: all of them or none become visible; a
 * commit interrupted after its intent is completed by the next run; a run that publishes nothing
 * keeps what it staged in its own area; leftovers go after the retention.
 */
class DateCommitTest {

  private static final String DATE = "2026-11-30";
  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path dir;

  private OutputLayout out() {
    return new OutputLayout(dir.toString());
  }

  private DateCommit commit(String runId) {
    return new DateCommit(HADOOP, out(), DATE, runId, () -> {});
  }

  /** A directory holding one file, {@code part}, whose content says which run wrote it. */
  private static void fill(org.apache.hadoop.fs.Path where, String content) throws IOException {
    Path p = Path.of(where.toString());
    Files.createDirectories(p);
    Files.writeString(p.resolve("part"), content);
  }

  private String read(String relative) throws IOException {
    return Files.readString(dir.resolve(relative).resolve("part"));
  }

  /** Stages the model, codes, rejects and report of {@code run}; returns the commit. */
  private DateCommit stageAll(String run) throws IOException {
    DateCommit commit = commit(run);
    fill(commit.stage(new org.apache.hadoop.fs.Path(out().model("m-" + run))), run);
    fill(commit.stagePartition(out().codes()), run);
    fill(commit.stagePartition(out().rejects()), run);
    Files.writeString(Path.of(commit.report(false).toString(), "part"), run);
    return commit;
  }

  private List<String> names(Path parent) throws IOException {
    try (Stream<Path> list = Files.list(parent)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  @Test
  void aCommitMakesEveryStagedOutputVisibleAndLeavesNothingElse() throws IOException {
    stageAll("r1").commit();
    DateCommit second = stageAll("r2");
    assertThat(read("codes/run_date=" + DATE)).as("staged only").isEqualTo("r1");
    second.commit();

    for (String table : List.of("codes", "rejects", "reports")) {
      assertThat(read(table + "/run_date=" + DATE)).isEqualTo("r2");
      assertThat(names(dir.resolve(table))).containsExactly("run_date=" + DATE);
    }
    assertThat(names(dir.resolve("models"))).containsExactly("m-r1", "m-r2");
    assertThat(names(dir)).containsExactly("codes", "models", "rejects", "reports");
  }

  @Test
  void anAuditedRunPublishesNothingUntilAnotherCommitAdoptsIt() throws IOException {
    stageAll("r1").commit();
    DateCommit gated = stageAll("r2");
    gated.remove(gated.partition(out().neighbors()));
    org.apache.hadoop.fs.Path area = gated.audit();
    assertThat(gated.abandon()).as("nothing left to abandon").isNull();

    assertThat(area.toString()).isEqualTo(dir.resolve("_audit/run_date=" + DATE + "/r2").toString());
    for (String table : List.of("codes", "rejects", "reports")) {
      assertThat(read(table + "/run_date=" + DATE)).as("still the first run's").isEqualTo("r1");
      assertThat(read("_audit/run_date=" + DATE + "/r2/" + table)).isEqualTo("r2");
      assertThat(names(dir.resolve(table))).containsExactly("run_date=" + DATE);
    }
    assertThat(names(dir.resolve("models"))).containsExactly("m-r1");
    assertThat(DateCommit.audited(HADOOP, out(), DATE)).extracting(org.apache.hadoop.fs.Path::getName)
        .containsExactly("r2");

    DateCommit promote = commit("r3");
    assertThat(promote.adoptAudited(area)).isEqualTo("r2");
    promote.commit();
    for (String table : List.of("codes", "rejects", "reports")) {
      assertThat(read(table + "/run_date=" + DATE)).isEqualTo("r2");
    }
    assertThat(read("models/m-r2")).isEqualTo("r2");
    assertThat(names(Path.of(area.toString()))).containsExactly("audit.json");
  }

  @Test
  void adoptingARunOfAnotherDateIsRefused() throws IOException {
    org.apache.hadoop.fs.Path area = stageAll("r1").audit();
    DateCommit other = new DateCommit(HADOOP, out(), "2026-12-01", "r2", () -> {});
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.adoptAudited(area))
        .hasMessageContaining("No audited run of 2026-12-01");
  }

  @Test
  void aRemovedPartitionIsGoneAfterTheCommit() throws IOException {
    stageAll("r1").commit();
    DateCommit second = commit("r2");
    fill(second.stagePartition(out().codes()), "r2");
    second.remove(second.partition(out().rejects()));
    second.commit();
    assertThat(names(dir.resolve("rejects"))).isEmpty();
    assertThat(read("codes/run_date=" + DATE)).isEqualTo("r2");
  }

  /**
   * The state a run killed in the middle of its commit leaves: the intent written, the model and the
   * codes swapped, the rejects and the report not yet. The next run completes it.
   */
  @Test
  void aCommitInterruptedAfterItsIntentIsCompletedByTheNextRun() throws IOException {
    stageAll("r1").commit();
    DateCommit killed = stageAll("r2");
    List<DateCommit.Swap> swaps = List.of(
        swap(out().model("m-r2"), killed), swap(out().codes() + "/run_date=" + DATE, killed),
        swap(out().rejects() + "/run_date=" + DATE, killed), swap(out().report(DATE), killed));
    HadoopFiles.writeJson(HADOOP, new org.apache.hadoop.fs.Path(dir.resolve("_commits/r2.json").toString()),
        new DateCommit.Intent(1, "r2", DATE, Instant.now().toString(), swaps));
    rename(swaps.get(0).staged(), swaps.get(0).target());
    rename(swaps.get(1).target(), swaps.get(1).aside());
    rename(swaps.get(1).staged(), swaps.get(1).target());
    rename(swaps.get(2).target(), swaps.get(2).aside());
    assertThat(dir.resolve("rejects/run_date=" + DATE)).as("between the two renames of a swap").doesNotExist();

    DateCommit.recover(HADOOP, out());

    for (String table : List.of("codes", "rejects", "reports")) {
      assertThat(read(table + "/run_date=" + DATE)).as(table).isEqualTo("r2");
      assertThat(names(dir.resolve(table))).containsExactly("run_date=" + DATE);
    }
    assertThat(names(dir.resolve("models"))).containsExactly("m-r1", "m-r2");
    assertThat(dir.resolve("_commits")).doesNotExist();
    DateCommit.recover(HADOOP, out());
    assertThat(read("codes/run_date=" + DATE)).as("recovering twice changes nothing").isEqualTo("r2");
  }

  private DateCommit.Swap swap(String target, DateCommit commit) {
    org.apache.hadoop.fs.Path t = new org.apache.hadoop.fs.Path(target);
    return new DateCommit.Swap(t.toString(), commit.staged(t).toString(),
        new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(t.getParent(), DateCommit.TRASH),
            t.getName() + "-" + commit.runId()).toString());
  }

  private static void rename(String from, String to) throws IOException {
    Path target = Path.of(to);
    Files.createDirectories(target.getParent());
    Files.move(Path.of(from), target);
  }

  @Test
  void aRunThatPublishesNothingKeepsWhatItStagedInItsOwnAreaAndLeavesItsCheckpoints() throws IOException {
    stageAll("r1").commit();
    DateCommit failed = stageAll("r2");
    org.apache.hadoop.fs.Path checkpoints = new org.apache.hadoop.fs.Path(out().checkpoints("m-r2"));
    fill(checkpoints, "epoch 3");
    failed.moveAtCommit(checkpoints, new org.apache.hadoop.fs.Path(out().model("m-r2"), "checkpoints"));

    org.apache.hadoop.fs.Path area = failed.abandon();

    assertThat(area.toString()).isEqualTo(dir.resolve("_runs/run_date=" + DATE + "/r2").toString());
    assertThat(names(Path.of(area.toString()))).containsExactly("codes", "models", "rejects", "reports");
    assertThat(Files.readString(Path.of(area.toString(), "rejects", "part"))).isEqualTo("r2");
    assertThat(read("_checkpoints/m-r2")).as("a rerun resumes from them").isEqualTo("epoch 3");
    for (String table : List.of("codes", "rejects", "reports")) {
      assertThat(read(table + "/run_date=" + DATE)).isEqualTo("r1");
      assertThat(names(dir.resolve(table))).containsExactly("run_date=" + DATE);
    }
    assertThat(names(dir.resolve("models"))).containsExactly("m-r1");
  }

  @Test
  void leftoversUntouchedForLongerThanTheRetentionAreRemovedAndYoungerOnesKept() throws IOException {
    Instant now = Instant.now();
    List<String> old = List.of("codes/_staging/run_date=2026-11-01-a", "models/_trash/m-a", "_checkpoints/m-a",
        "_scratch/m-a", "_runs/run_date=2026-11-01/a", "reports/_staging/run_date=2026-11-01-a");
    List<String> young = List.of("codes/_staging/run_date=2026-11-29-b", "_checkpoints/m-b",
        "_runs/run_date=2026-11-29/b");
    for (String leftover : old) {
      Files.createDirectories(dir.resolve(leftover));
      Files.setLastModifiedTime(dir.resolve(leftover), FileTime.from(now.minus(Duration.ofDays(8))));
    }
    for (String leftover : young) {
      Files.createDirectories(dir.resolve(leftover));
      Files.setLastModifiedTime(dir.resolve(leftover), FileTime.from(now.minus(Duration.ofDays(6))));
    }

    List<org.apache.hadoop.fs.Path> removed = Leftovers.remove(HADOOP, out(), Duration.ofDays(7));

    assertThat(removed).extracting(p -> dir.relativize(Path.of(p.toUri().getPath())).toString())
        .containsExactlyInAnyOrderElementsOf(old);
    old.forEach(leftover -> assertThat(dir.resolve(leftover)).doesNotExist());
    young.forEach(leftover -> assertThat(dir.resolve(leftover)).exists());
    assertThat(dir.resolve("models/_trash")).as("emptied holders go too").doesNotExist();
    assertThat(Leftovers.remove(HADOOP, out(), Duration.ZERO)).hasSize(young.size());
  }
}
