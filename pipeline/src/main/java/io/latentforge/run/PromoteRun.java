package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.publish.DateCommit;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.OutputLock;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.report.RunMetrics;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code latentforge promote}: publishes a run a publish gate stopped, once a person has looked at
 * it. It is the same commit the run would have made (model first, the date's tables, the report),
 * under the output root's lock; its metrics.json then says {@code promoted}.
 */
public final class PromoteRun {

  private static final Logger LOG = LoggerFactory.getLogger(PromoteRun.class);

  private final SparkSession spark;

  public PromoteRun(SparkSession spark) {
    this.spark = spark;
  }

  /** What was published: the audited run and where its codes now are. */
  public record Promoted(String runId, String codesPath, String reportPath) {}

  /** @param runId the audited run to publish; null: the date's newest */
  public Promoted execute(String output, LocalDate runDate, String runId, LatentforgeConfig config) {
    OutputLayout out = new OutputLayout(output);
    String date = runDate.toString();
    try (OutputLock lock = Runs.lock(hadoop(), out, "promote " + date, config.publish().retention())) {
      Path area = chosen(out, date, runId);
      DateCommit commit = new DateCommit(hadoop(), out, date, lock.runId(), lock::requireHeld);
      String audited = commit.adoptAudited(area);
      requireNoLaterRun(out, commit, audited);
      markPromoted(commit.staged(new Path(out.report(date))));
      commit.commit();
      DateCommit.discardAudited(hadoop(), area);
      if (config.output().registersTable()) {
        OutputPublisher.registerTable(spark, out, config.output().table());
      }
      LOG.info("published run {} of {}, kept for review in {}", audited, date, area);
      return new Promoted(audited, commit.partition(out.codes()).toString(), out.report(date));
    }
  }

  private Path chosen(OutputLayout out, String date, String runId) {
    List<Path> runs = DateCommit.audited(hadoop(), out, date);
    if (runs.isEmpty()) {
      throw LatentforgeException.usage("No run of " + date + " is waiting for review under " + out.root()
              + "/_audit (runs a publish gate stopped are kept there until publish.retention passes).",
          "pass the --run-date of a run that exited with code 7.");
    }
    if (runId == null) {
      return runs.get(runs.size() - 1);
    }
    return runs.stream().filter(p -> p.getName().equals(runId)).findFirst().orElseThrow(() ->
        LatentforgeException.usage("No run " + runId + " of " + date + " is waiting for review; there are "
            + runs.stream().map(Path::getName).toList() + ".", "pass one of those to --run, or leave it out."));
  }

  /**
   * A run that published the date after the audited one stays: promoting the older run would
   * silently replace newer tables.
   */
  private void requireNoLaterRun(OutputLayout out, DateCommit commit, String audited) {
    PartitionManifest published = TableSink.manifest(hadoop(), commit.partition(out.codes()));
    if (published != null && published.runId() != null && published.runId().compareTo(audited) > 0) {
      throw LatentforgeException.usage("Run " + published.runId() + " published " + commit.runDate()
              + " after the stopped run " + audited + "; promoting it would replace the newer codes.",
          "leave the date as it is, or rerun it; the stopped run is removed after publish.retention.");
    }
  }

  /** The audited run's metrics.json says it was published by promote. */
  private void markPromoted(Path report) {
    if (report == null) {
      return;
    }
    Path file = new Path(report, RunMetrics.FILE);
    RunMetrics metrics = HadoopFiles.readIfExists(hadoop(), file, RunMetrics::read);
    if (metrics != null) {
      HadoopFiles.writeJson(hadoop(), file, metrics.withGates("promoted", metrics.gates()));
    }
  }

  private Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }
}
