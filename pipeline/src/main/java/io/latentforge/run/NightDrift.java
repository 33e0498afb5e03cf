package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.drift.CodeDrift;
import io.latentforge.drift.DriftFigures;
import io.latentforge.encode.HeldOutLoss;
import io.latentforge.fs.HadoopFiles;
import io.latentforge.input.CorpusSource;
import io.latentforge.model.ModelStore;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A nightly's drift section: tonight's staged codes against the newest earlier partition's (see
 * {@link CodeDrift}), and both models' loss on tonight's held-out rows.
 */
final class NightDrift {

  private static final Logger LOG = LoggerFactory.getLogger(NightDrift.class);

  private final SparkSession spark;
  private final LatentforgeConfig config;
  private final OutputLayout out;
  private final String runDate;

  NightDrift(SparkSession spark, LatentforgeConfig config, OutputLayout out, String runDate) {
    this.spark = spark;
    this.config = config;
    this.out = out;
    this.runDate = runDate;
  }

  /** Tonight's model, its featurized rows and the rows it held out. */
  record Tonight(String modelId, MultiLayerNetwork network, Featurized featurized, Column heldOut,
      CorpusSource.Corpus corpus, CorpusKind kind) {}

  /**
   * The drift of {@code codes} (and {@code clusters}, null when none) from the newest earlier code
   * partition; empty when there is none.
   */
  Optional<DriftFigures> measure(Dataset<Row> codes, CodeDrift.Clusters clusters, boolean aligned, Tonight tonight) {
    Optional<Path> partition = WarmStarts.newestPartitionBefore(hadoop(), out, runDate);
    if (partition.isEmpty()) {
      return Optional.empty();
    }
    PartitionManifest manifest = TableSink.manifest(hadoop(), partition.get());
    String date = partition.get().getName().substring(Columns.RUN_DATE.length() + 1);
    CodeDrift.Previous previous = new CodeDrift.Previous(date, manifest == null ? null : manifest.modelId(),
        manifest == null ? null : manifest.runId(), spark.read().parquet(partition.get().toString()),
        clustersOf(date));
    DriftFigures moved = Stage.run(spark, Runs.GROUP, "drift of the codes from " + date,
        () -> CodeDrift.compare(spark, previous, codes, clusters, aligned, config.neighbors(),
            config.publish().driftQueries()));
    DriftFigures drift = Stage.run(spark, Runs.GROUP, "held-out loss of tonight's and the previous model",
        () -> withLosses(moved, tonight));
    LOG.info("drift from {}: {} rows kept, {} added, {} removed; code distance {} (mean, relative), neighbour "
        + "overlap {}, cluster stability {}, loss ratio {}", date, drift.rowsKept(), drift.rowsAdded(),
        drift.rowsRemoved(), drift.codeDistanceMean(), drift.neighborOverlap(), drift.clusterStability(),
        drift.reconErrorRatio());
    return Optional.of(drift);
  }

  /**
   * With both models' mean loss on tonight's held-out rows, each featurizing them its own way; or
   * why they were not compared.
   */
  private DriftFigures withLosses(DriftFigures drift, Tonight tonight) {
    Dataset<Row> rows = tonight.featurized().split().accepted().where(tonight.heldOut());
    long held = rows.count();
    if (held == 0) {
      return drift.withReconErrors(0L, null, null, "no held-out rows (train.validation-fraction = 0)");
    }
    Path dir = drift.previousModelId() == null ? null : new Path(out.model(drift.previousModelId()));
    if (dir == null || !HadoopFiles.exists(hadoop(), dir)) {
      return drift.withReconErrors(held, null, null, "the previous model " + dir + " is not there");
    }
    int batch = config.encode().batchSize();
    double now = HeldOutLoss.mean(spark, rows, tonight.network(), tonight.modelId(),
        tonight.featurized().inputSize(), batch);
    ModelStore.Loaded previous;
    Featurized theirs;
    try {
      previous = new ModelStore(hadoop()).load(dir.toString(), config.modelLoading().allowLegacyFormat());
      theirs = Featurization.likeModel(tonight.corpus(), tonight.kind(), config, previous);
    } catch (LatentforgeException e) {
      LOG.warn("not comparing with the previous model: {}", e.getMessage());
      return drift.withReconErrors(held, null, now, "the previous model cannot be read: " + e.getMessage());
    }
    try {
      double before = HeldOutLoss.mean(spark, theirs.split().accepted().where(tonight.heldOut()), previous.network(),
          previous.modelId(), theirs.inputSize(), batch);
      return drift.withReconErrors(held, before, now, null);
    } finally {
      theirs.split().release();
    }
  }

  /** The date's published clusters and centres, null when it has none. */
  private CodeDrift.Clusters clustersOf(String date) {
    Path assignments = new Path(out.clusters(), Columns.RUN_DATE + "=" + date);
    Path centers = new Path(out.clusterCenters(), Columns.RUN_DATE + "=" + date);
    return HadoopFiles.exists(hadoop(), new Path(assignments, TableSink.MANIFEST))
        && HadoopFiles.exists(hadoop(), new Path(centers, TableSink.MANIFEST))
        ? new CodeDrift.Clusters(spark.read().parquet(assignments.toString()), spark.read().parquet(centers.toString()))
        : null;
  }


  private Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }
}
