package io.latentforge.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.latentforge.fs.HadoopFiles;
import io.latentforge.LatentforgeException;
import io.latentforge.Stage;
import io.latentforge.config.TrainSettings;
import io.latentforge.encode.Features;
import io.latentforge.encode.HeldOutLoss;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.CodeLayer;
import io.latentforge.model.EpochMetrics;
import io.latentforge.model.layers.GaussianSampling;
import io.latentforge.schema.Columns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.Repartitioner;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an autoencoder on a featurized Dataset with DL4J's parameter averaging: each worker fits
 * minibatches of its partition and the driver averages parameters every
 * {@code averaging-frequency} minibatches. The features are their own labels (for denoising, the
 * clean features are the labels of corrupted inputs).
 *
 * <p>Every epoch gets its own training master seeded by (seed, epoch), so an epoch's data order
 * does not depend on the epochs before it and a run resumed from a checkpoint continues as the
 * uninterrupted run would. After each epoch: the model's loss on the held-out
 * rows, a divergence check, a checkpoint, early stopping and the time limit.
 */
public final class SparkTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);
  static final String GROUP = "latentforge.train";
  /**
   * DL4J's Aeron client settings (train.strategy = sharing) are inconsistent with its Aeron's
   * defaults ("publicationUnblockTimeoutNs <= clientLivenessTimeoutNs") unless this system property
   * raises the unblock timeout, on the driver and on every executor.
   */
  public static final String AERON_UNBLOCK_TIMEOUT = "aeron.publication.unblock.timeout";
  public static final String AERON_UNBLOCK_TIMEOUT_NS = "60000000000";

  private SparkTrainer() {}

  /** The trained network (the best epoch's, when validating), its per-epoch metrics and why training ended. */
  public record Trained(MultiLayerNetwork network, List<EpochMetrics> epochs, String stopReason, int resumedFrom,
      int workers, int batchSizePerWorker) {}

  /**
   * Where a run keeps DL4J's exported minibatches (removed afterwards) and its checkpoints, and the
   * fingerprint of its input and settings that checkpoints must carry to be resumed (null: any).
   */
  public record Paths(String scratch, String checkpoints, String fingerprint) {

    public Paths(String scratch, String checkpoints) {
      this(scratch, checkpoints, null);
    }
  }

  /**
   * @param rows rows with {@link Columns#ID} and a {@link Columns#FEATURES} vector of {@code inputSize}
   * @param corruption applied to the inputs afresh every epoch (denoising), or none
   */
  public static Trained fit(SparkSession spark, Dataset<Row> rows, int inputSize, Autoencoder.Architecture architecture,
      Corruption corruption, TrainSettings settings, Paths paths) {
    return fit(spark, rows, inputSize, architecture, corruption, settings, paths, network -> { });
  }

  /**
   * @param initialize sets the starting parameters of a network that does not resume from a
   *     checkpoint (e.g. layer-wise pretraining); not called when resuming
   */
  public static Trained fit(SparkSession spark, Dataset<Row> rows, int inputSize, Autoencoder.Architecture architecture,
      Corruption corruption, TrainSettings settings, Paths paths, Consumer<MultiLayerNetwork> initialize) {
    try {
      return new Loop(spark, rows, inputSize, architecture, corruption, settings, paths, initialize).run();
    } finally {
      deleteQuietly(spark, paths.scratch(), true);
      deleteQuietly(spark, new Path(paths.scratch()).getParent().toString(), false); // only when no other run uses it
    }
  }

  /** {@code train.workers}, or Spark's default parallelism for 0. */
  public static int workers(TrainSettings settings, SparkSession spark) {
    int configured = settings.distribution().workers();
    return configured > 0 ? configured : spark.sparkContext().defaultParallelism();
  }

  /** The state of one training run, epoch by epoch. */
  private static final class Loop {
    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final TrainSettings settings;
    private final Paths paths;
    private final Corruption corruption;
    private final int inputSize;
    private final CodeLayer code;
    private final Dataset<Row> validation;
    private final long trainRows;
    private final long validationRows;
    private final int workers;
    private final JavaRDD<DataSet> clean;
    /** Rows come with a target of their own (NeighbourTargets), not their features. */
    private final boolean targeted;
    private final Checkpoints checkpoints;
    private final List<EpochMetrics> history = new ArrayList<>();
    private MultiLayerNetwork network;
    private MultiLayerNetwork best;
    private int bestEpoch;
    private double bestValidation = Double.POSITIVE_INFINITY;
    private int resumedFrom;
    private TrainingMaster<?, ?> sharedMaster;

    Loop(SparkSession spark, Dataset<Row> rows, int inputSize, Autoencoder.Architecture architecture,
        Corruption corruption, TrainSettings settings, Paths paths, Consumer<MultiLayerNetwork> initialize) {
      this.spark = spark;
      this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      this.paths = paths;
      this.corruption = corruption;
      this.inputSize = inputSize;
      this.code = architecture.code();
      Dataset<Row> train = HeldOutSplit.training(rows, settings);
      this.validation = HeldOutSplit.validation(rows, settings);
      long[] counts = Stage.run(spark, GROUP, "count training and validation rows", () -> countSplit(rows, settings));
      this.trainRows = counts[0];
      this.validationRows = counts[1];
      this.workers = workers(settings, spark);
      this.settings = settings.withBatchFor(trainRows, workers);
      LOG.info("{} workers of {} rows a minibatch", workers, this.settings.distribution().batchSizePerWorker());
      if (trainRows == 0) {
        throw LatentforgeException.badInput("No rows are left to train on after holding out train.validation-fraction = "
            + settings.stopping().validationFraction() + ".", "lower train.validation-fraction or add rows.");
      }
      // Built lazily from the Dataset: nothing is collected to the driver. Not cached here, since
      // DL4J persists the RDD it trains on itself (caching it first fails).
      this.targeted = Arrays.asList(rows.columns()).contains(NeighbourTargets.TARGET);
      this.clean = train.select(inputs(targeted)).javaRDD()
          .mapPartitions(new ToMinibatches(this.settings.distribution().batchSizePerWorker(), inputSize));
      this.checkpoints = new Checkpoints(spark.sparkContext().hadoopConfiguration(), paths.checkpoints());
      resumeOrStart(architecture.configuration(), initialize);
    }

    /** The features, and the target when there is one: what the minibatches are made of. */
    private static Column[] inputs(boolean targeted) {
      return targeted ? new Column[] {col(Columns.FEATURES), col(NeighbourTargets.TARGET)}
          : new Column[] {col(Columns.FEATURES)};
    }

    /** Training and held-out row counts, in one pass over the rows. */
    private static long[] countSplit(Dataset<Row> rows, TrainSettings settings) {
      Column held = HeldOutSplit.isValidation(settings);
      Row r = rows.agg(functions.count(lit(1)), functions.sum(functions.when(held, 1).otherwise(0))).first();
      long validation = r.isNullAt(1) ? 0 : r.getLong(1);
      return new long[] {r.getLong(0) - validation, validation};
    }

    private void resumeOrStart(MultiLayerConfiguration conf, Consumer<MultiLayerNetwork> initialize) {
      Optional<Checkpoints.Restored> restored = settings.checkpoints().every() > 0 ? checkpoints.newestReadable(paths.fingerprint())
          : Optional.empty();
      if (restored.isPresent()) {
        Checkpoints.Restored r = restored.get();
        network = r.network();
        resumedFrom = r.epoch();
        history.addAll(r.state().epochs());
        bestEpoch = r.state().bestEpoch();
        if (bestEpoch > 0) {
          bestValidation = history.get(bestEpoch - 1).validationLoss();
        }
        best = r.best() == null && bestEpoch == resumedFrom ? network.clone() : r.best();
        LOG.info("resuming training from the checkpoint of epoch {} in {}", resumedFrom, checkpoints.dir());
      } else {
        network = new MultiLayerNetwork(conf);
        network.init();
        initialize.accept(network);
      }
    }

    Trained run() {
      long start = System.nanoTime();
      RDDTrainingApproach approach = approach(settings.distribution().averaging().approach(), sc);
      String stop = "trained " + settings.epochs() + " epochs";
      int iterationsPerEpoch = iterationsPerEpoch(workers);
      for (int epoch = resumedFrom + 1; epoch <= settings.epochs(); epoch++) {
        schedule(epoch, iterationsPerEpoch);
        EpochMetrics m = timed(epoch(epoch, workers, approach), start);
        history.add(m);
        trackBest(m);
        report(m);
        if (settings.checkpoints().every() > 0 && epoch % settings.checkpoints().every() == 0) {
          checkpoints.save(epoch, network, state());
        }
        String early = stopEarly(epoch, start);
        if (early != null) {
          stop = early;
          break;
        }
      }
      if (best != null && bestEpoch != history.get(history.size() - 1).epoch()) {
        LOG.info("keeping the parameters of epoch {}, the lowest validation loss", bestEpoch);
        network.setParams(best.params());
      }
      // The published model carries a plain rate: its configuration names no class of ours.
      network.setLearningRate(settings.optimizer().learningRate());
      LOG.info("training ended: {}", stop);
      return new Trained(network, List.copyOf(history), stop, resumedFrom, workers,
          settings.distribution().batchSizePerWorker());
    }

    /** Sets this epoch's learning-rate schedule, with what the plateaus so far have left of the rate. */
    private void schedule(int epoch, int iterationsPerEpoch) {
      LearningRateSchedule schedule = LearningRateSchedule.of(settings, iterationsPerEpoch, history);
      boolean lowered = !history.isEmpty() && schedule.scale() < LearningRateSchedule.of(settings, iterationsPerEpoch,
          history.subList(0, history.size() - 1)).scale();
      if (lowered) {
        LOG.info("validation loss on a plateau: learning rate now {} of train.learning-rate", schedule.scale());
        restoreBestAfterAJump();
      }
      network.setLearningRate(schedule);
      int iteration = network.getIterationCount();
      LOG.info("epoch {}: learning rate {} at iteration {}", epoch, schedule.valueAt(iteration, epoch - 1), iteration);
    }

    /**
     * Back to the best epoch's parameters and updater state (Adam's moments) when the held-out loss
     * has jumped away from the best, so the lower rate goes on from there rather than from wherever
     * the jump led. A plateau that only stalled goes on from where it is.
     */
    private void restoreBestAfterAJump() {
      double last = history.get(history.size() - 1).validationLoss();
      TrainSettings.Schedule schedule = settings.optimizer().schedule();
      if (best == null || !schedule.plateauRestoresBest()) {
        return;
      }
      String losses = "held-out loss " + String.format(Locale.ROOT, "%.5g", last) + " against the best "
          + String.format(Locale.ROOT, "%.5g", bestValidation) + " (epoch " + bestEpoch + ")";
      if (!schedule.restoresBest(last, bestValidation)) {
        LOG.info("train.plateau-restores-best: {}, within train.plateau-restore-margin = {}; going on from here",
            losses, schedule.plateauRestoreMargin());
        return;
      }
      LOG.info("train.plateau-restores-best: {}; going on from the parameters of epoch {}", losses, bestEpoch);
      network.setParams(best.params());
      INDArray state = best.getUpdater().getStateViewArray();
      if (state != null) {
        network.getUpdater().getStateViewArray().assign(state);
      }
    }

    /**
     * Updater steps per epoch as the network's iteration count advances: parameter averaging adds
     * {@code averaging-frequency} per round of every worker fitting that many minibatches.
     */
    private int iterationsPerEpoch(int workers) {
      int batch = settings.distribution().batchSizePerWorker();
      long minibatches = Math.max(1, (trainRows + batch - 1) / batch);
      if (sharing()) {
        return (int) Math.max(1, minibatches / workers);
      }
      int frequency = settings.distribution().averaging().frequency();
      long rounds = (minibatches + (long) workers * frequency - 1) / ((long) workers * frequency);
      return (int) Math.min(Integer.MAX_VALUE, rounds * frequency);
    }

    private EpochMetrics epoch(int epoch, int workers, RDDTrainingApproach approach) {
      long start = System.nanoTime();
      long seed = settings.seed() * 1_000_003L + epoch;
      TrainingMaster<?, ?> master = sharing() ? sharingMaster(workers, approach)
          : master(settings, workers, seed, approach, paths.scratch());
      GaussianSampling.scheduleFor(network, epoch);
      SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, network, master);
      if (settings.checkpoints().stats()) {
        // DL4J's statistics time events with an NTP clock by default, which needs the internet.
        System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        sparkNet.setCollectTrainingStats(true);
      }
      JavaRDD<DataSet> data = corruption.epoch(clean, settings.seed(), epoch);
      try {
        Stage.run(spark, GROUP, "train epoch " + epoch + "/" + settings.epochs(), () -> sparkNet.fit(data));
      } finally {
        if (!sharing()) {
          master.deleteTempFiles(sc);
        }
      }
      network = sparkNet.getNetwork();
      if (settings.checkpoints().stats() && sparkNet.getSparkTrainingStats() != null) {
        writeStats(sparkNet.getSparkTrainingStats(), epoch);
      }
      // SharedTrainingMaster reports no score.
      double loss = sharing() ? Double.NaN : sparkNet.getScore();
      requireFinite(loss, network.params(), epoch, settings);
      double seconds = (System.nanoTime() - start) / 1e9;
      double validationLoss = validation == null || validationRows == 0 ? Double.NaN
          : Stage.run(spark, GROUP, "validate epoch " + epoch + "/" + settings.epochs(), () -> validationLoss(epoch));
      return new EpochMetrics(epoch, loss, validationLoss, trainRows / seconds, seconds, Double.NaN, Double.NaN);
    }

    private boolean sharing() {
      return settings.distribution().strategy() == TrainSettings.Strategy.SHARING;
    }

    /**
     * One gradient-sharing master for the whole run: it owns an Aeron transport bound to a port,
     * so it is not rebuilt every epoch.
     */
    private TrainingMaster<?, ?> sharingMaster(int workers, RDDTrainingApproach approach) {
      if (sharedMaster == null) {
        System.setProperty(AERON_UNBLOCK_TIMEOUT, System.getProperty(AERON_UNBLOCK_TIMEOUT, AERON_UNBLOCK_TIMEOUT_NS));
        TrainSettings.Sharing sh = settings.distribution().sharing();
        VoidConfiguration transport = VoidConfiguration.builder().unicastPort(sh.port())
            .controllerAddress(sc.getConf().get("spark.driver.host", "127.0.0.1")).networkMask(sh.networkMask()).build();
        sharedMaster = new SharedTrainingMaster.Builder(transport, settings.distribution().batchSizePerWorker())
            .batchSizePerWorker(settings.distribution().batchSizePerWorker())
            // One trainer per executor JVM: with two, DL4J 1.0.0-M2's ParallelWrapper deadlocks (trainer 0
            // holds the network's lock while it waits for trainer 1's update; trainer 1 waits for that lock
            // to copy the updater), seen in local mode.
            .workersPerNode(1)
            .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(sh.threshold()))
            .workerPrefetchNumBatches(settings.distribution().averaging().prefetch())
            .repartitioner(new OnePartitionPerSlot())
            .storageLevel(StorageLevel.fromString(settings.distribution().averaging().storageLevel().name()))
            .rddTrainingApproach(approach)
            .exportDirectory(paths.scratch())
            .rngSeed(settings.seed())
            .build();
      }
      return sharedMaster;
    }

    /**
     * Gradient sharing's partitions: one per task slot, so every training task of an epoch starts at
     * once. DL4J 1.0.0-M2's SharedTrainingWrapper loses a task that joins its JVM's trainer just as the
     * trainer finishes: the task waits forever, and so does the epoch (deeplearning4j#6519). With more
     * partitions than slots, a task starts each time an earlier one ends, which is often that moment.
     */
    static final class OnePartitionPerSlot implements Repartitioner {
      @Override
      public <T> JavaRDD<T> repartition(JavaRDD<T> data, int minObjectsPerPartition, int slots) {
        return data.getNumPartitions() == slots ? data : data.repartition(slots);
      }
    }

    /** DL4J's HTML timeline of where this epoch's time went. */
    private void writeStats(SparkTrainingStats stats, int epoch) {
      Path file = new Path(paths.checkpoints() + "/training-stats", String.format("epoch-%04d.html", epoch));
      HadoopFiles.write(spark.sparkContext().hadoopConfiguration(), file, out -> {
        try {
          StatsUtils.exportStatsAsHTML(stats, out);
        } catch (Exception e) {
          throw new IOException("cannot render DL4J's training statistics", e);
        }
      });
      LOG.info("training statistics of epoch {}: {}", epoch, file);
    }

    /** The model's loss on the held-out rows, computed on the executors. */
    private double validationLoss(int epoch) {
      String id = "validation-" + Long.toHexString(System.nanoTime()) + "-epoch-" + epoch;
      return HeldOutLoss.meanAgainst(spark, validation, targeted ? NeighbourTargets.TARGET : null, network, id,
          inputSize, 256);
    }

    private void trackBest(EpochMetrics m) {
      if (!m.validated()) {
        return;
      }
      if (m.validationLoss() < bestValidation) {
        bestEpoch = m.epoch();
        bestValidation = m.validationLoss();
        best = network.clone();
        if (settings.checkpoints().every() > 0) {
          checkpoints.saveBest(best);
        }
      }
    }

    /** Why to stop after {@code epoch}, or null to go on. */
    private String stopEarly(int epoch, long start) {
      int patience = settings.stopping().patience();
      if (patience > 0 && bestEpoch > 0 && epoch - bestEpoch >= patience && epoch < settings.epochs()) {
        return "early stop after epoch " + epoch + ": no better validation loss for " + patience
            + " epochs (best: epoch " + bestEpoch + ")";
      }
      double maxSeconds = settings.stopping().maxMinutes() * 60;
      double elapsed = (System.nanoTime() - start) / 1e9;
      double perEpoch = elapsed / (epoch - resumedFrom);
      if (maxSeconds > 0 && epoch < settings.epochs() && elapsed + perEpoch > maxSeconds) {
        return String.format(Locale.ROOT, "stopped after epoch %d: another epoch (about %.0f s) would pass "
            + "train.max-minutes = %s", epoch, perEpoch, settings.stopping().maxMinutes());
      }
      return null;
    }

    /** Adds the training time so far (this process) and the estimate of the time left. */
    private EpochMetrics timed(EpochMetrics m, long start) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      double left = elapsed / (m.epoch() - resumedFrom) * (settings.epochs() - m.epoch());
      return new EpochMetrics(m.epoch(), m.trainingLoss(), m.validationLoss(), m.examplesPerSecond(), m.seconds(),
          elapsed, left);
    }

    private void report(EpochMetrics m) {
      LOG.info(String.format(Locale.ROOT, "epoch %d/%d: training loss %.5f, validation loss %s, %.0f examples/s,"
              + " %.1f s, %.0f s elapsed, about %.0f s left", m.epoch(), settings.epochs(), m.trainingLoss(),
          m.validated() ? String.format(Locale.ROOT, "%.5f%s", m.validationLoss(), m.epoch() == bestEpoch ? " (best)" : "")
              : "-", m.examplesPerSecond(), m.seconds(), m.elapsedSeconds(), m.secondsLeft()));
    }

    private Checkpoints.State state() {
      return new Checkpoints.State(history.get(history.size() - 1).epoch(), settings.seed(), bestEpoch,
          List.copyOf(history), paths.fingerprint());
    }
  }

  private static ParameterAveragingTrainingMaster master(TrainSettings settings, int workers, long seed,
      RDDTrainingApproach approach, String scratch) {
    TrainSettings.Averaging a = settings.distribution().averaging();
    return new ParameterAveragingTrainingMaster.Builder(workers, settings.distribution().batchSizePerWorker())
        // The updater state (Adam's moments) must travel with the parameters. DL4J 1.0.0-M2's Builder
        // documents this as the default but leaves the field false: every worker then restarted Adam from
        // zero moments at every averaging round while the iteration count (in the configuration) went on,
        // so bias correction no longer matched the moments and training diverged after a few epochs.
        .saveUpdater(true)
        .batchSizePerWorker(settings.distribution().batchSizePerWorker())
        .averagingFrequency(a.frequency())
        .workerPrefetchNumBatches(a.prefetch())
        .repartionData(switch (a.repartition()) {
          case ALWAYS -> Repartition.Always;
          case NEVER -> Repartition.Never;
          case NUM_PARTITIONS_WORKERS_DIFFERS -> Repartition.NumPartitionsWorkersDiffers;
        })
        .storageLevel(StorageLevel.fromString(a.storageLevel().name()))
        .rddTrainingApproach(approach)
        .exportDirectory(scratch)
        .aggregationDepth(a.aggregationDepth())
        .rngSeed(seed)
        .build();
  }

  /**
   * DL4J refuses Export on a non-local master whose default file system is the local one (it
   * cannot know the export directory is shared), so auto falls back to Direct there.
   */
  static RDDTrainingApproach approach(TrainSettings.Approach configured, JavaSparkContext sc) {
    boolean exportSupported = ExportSupport.exportSupported(sc);
    return switch (configured) {
      case EXPORT -> {
        if (!exportSupported) {
          throw LatentforgeException.usage("train.approach = export is not supported with master " + sc.master()
                  + " and the default file system " + sc.hadoopConfiguration().get("fs.defaultFS") + ": DL4J exports "
                  + "minibatches only to a file system every executor shares.",
              "use train.approach = direct or auto, or set spark.hadoop.fs.defaultFS to a shared file system (hdfs://...).");
        }
        yield RDDTrainingApproach.Export;
      }
      case DIRECT -> RDDTrainingApproach.Direct;
      case AUTO -> {
        if (!exportSupported) {
          LOG.info("training straight from the RDD (train.approach = direct): DL4J does not export minibatches with "
              + "master {} and a local default file system", sc.master());
        }
        yield exportSupported ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct;
      }
    };
  }

  /** A NaN loss from a master that reports none (gradient sharing) is not divergence; the parameters still count. */
  private static void requireFinite(double loss, INDArray params, int epoch, TrainSettings settings) {
    double magnitude = Transforms.abs(params, true).sumNumber().doubleValue();
    boolean lossDiverged = settings.distribution().strategy() == TrainSettings.Strategy.SHARING ? Double.isInfinite(loss)
        : !Double.isFinite(loss);
    if (lossDiverged || !Double.isFinite(magnitude)) {
      throw LatentforgeException.diverged("Training diverged at epoch " + epoch + ": the loss is " + loss
              + " and the parameters are " + (Double.isFinite(magnitude) ? "finite" : "not finite")
              + ". The checkpoints of earlier epochs are kept; nothing was published.",
          "lower train.learning-rate (now " + settings.optimizer().learningRate() + "), e.g. --set train.learning-rate="
              + settings.optimizer().learningRate() / 10 + ".");
    }
  }

  private static void deleteQuietly(SparkSession spark, String dir, boolean recursive) {
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (recursive || (fs.exists(p) && fs.listStatus(p).length == 0)) {
        fs.delete(p, recursive);
      }
    } catch (IOException e) {
      LOG.warn("could not remove scratch directory {}: {}", dir, e.getMessage());
    }
  }

  /**
   * Packs a partition's feature vectors into DataSets of up to {@code batch} examples, labelled with
   * themselves, or with the row's second column (a target) when it has one.
   */
  static final class ToMinibatches implements FlatMapFunction<Iterator<Row>, DataSet> {
    private final int batch;
    private final int inputSize;

    ToMinibatches(int batch, int inputSize) {
      this.batch = batch;
      this.inputSize = inputSize;
    }

    @Override
    public Iterator<DataSet> call(Iterator<Row> rows) {
      List<DataSet> out = new ArrayList<>();
      List<Vector> pending = new ArrayList<>(batch);
      List<Vector> targets = new ArrayList<>(batch);
      while (rows.hasNext()) {
        Row r = rows.next();
        pending.add(r.getAs(0));
        if (r.size() > 1) {
          targets.add(r.getAs(1));
        }
        if (pending.size() == batch) {
          out.add(toDataSet(pending, targets));
          pending.clear();
          targets.clear();
        }
      }
      if (!pending.isEmpty()) {
        out.add(toDataSet(pending, targets));
      }
      return out.iterator();
    }

    private DataSet toDataSet(List<Vector> vectors, List<Vector> targets) {
      INDArray x = Features.toMatrix(vectors, inputSize);
      return new DataSet(x, targets.isEmpty() ? x : Features.toMatrix(targets, inputSize));
    }
  }
}
