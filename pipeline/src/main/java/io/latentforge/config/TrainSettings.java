package io.latentforge.config;

import io.latentforge.schema.CorpusKind;
import java.io.Serializable;

/**
 * Training settings, in groups: how each step updates the weights ({@code optimizer}), how the work
 * is spread over Spark ({@code distribution}), when training stops early, what it writes on the way
 * ({@code checkpoints}) and what comes first ({@code pretrain}). See the {@code train} section of
 * conf/latentforge.conf for each key.
 */
public record TrainSettings(int epochs, long seed, Optimizer optimizer, Distribution distribution, Stopping stopping,
    Checkpointing checkpoints, Pretrain pretrain, Target target) implements Serializable {

  /** The updater and its step size, the weights' initialization and penalty, the schedule and clipping. */
  public record Optimizer(Updater updater, double learningRate, WeightInit weightInit, double l2, Schedule schedule,
      Clipping clipping) implements Serializable {}

  /**
   * Minibatches per worker ({@link #AUTO_BATCH}: chosen by {@link #batchFor}), the workers, and how
   * they combine their work.
   */
  public record Distribution(int batchSizePerWorker, int workers, Strategy strategy, Averaging averaging,
      Sharing sharing) implements Serializable {

    /** {@code batch-size-per-worker = auto}. */
    public static final int AUTO_BATCH = 0;
    /** auto's smallest and largest minibatch. */
    static final int AUTO_MIN_BATCH = 32;
    static final int AUTO_MAX_BATCH = 256;
    /**
     * auto doubles the minibatch only while every worker still fits this many an epoch: on
     * debian-packages (28,500 training rows a worker) 64 rows (446 minibatches) retrieved as well as 32
     * in half the time, 128 (223) worse; on foldoc (3,500 a worker) 64 rows cost retrieval.
     */
    static final int AUTO_MIN_MINIBATCHES = 400;

    /** The minibatch each of {@code workers} fits when {@code trainRows} rows are split among them. */
    public int batchFor(long trainRows, int workers) {
      if (batchSizePerWorker != AUTO_BATCH) {
        return batchSizePerWorker;
      }
      long perWorker = trainRows / Math.max(1, workers);
      int batch = AUTO_MIN_BATCH;
      while (batch < AUTO_MAX_BATCH && perWorker / (2L * batch) >= AUTO_MIN_MINIBATCHES) {
        batch *= 2;
      }
      return batch;
    }

    /** These settings with the minibatch fixed. */
    public Distribution withBatch(int batch) {
      return new Distribution(batch, workers, strategy, averaging, sharing);
    }
  }

  /** A checkpoint every {@code every} epochs (0: none), and DL4J's training statistics with each. */
  public record Checkpointing(int every, boolean stats) implements Serializable {}

  /** What sets the weights before the whole network trains (layer-wise pretraining, PCA), and layer-wise's epochs a layer. */
  public record Pretrain(PretrainKind kind, int epochs) implements Serializable {}

  /**
   * What the network learns to output for each row: the row itself, or ({@code neighbours > 0}) the
   * row blended with the mean of its {@code neighbours} nearest training rows by PCA's coordinates,
   * {@code weight} on the neighbours. {@code auto}: the run decides {@code neighbours} by the corpus's kind.
   */
  public record Target(int neighbours, double weight, boolean auto) implements Serializable {

    /** {@code train.target-neighbours = auto}'s choice: documents reconstruct their neighbourhoods, images themselves. */
    public static final int DOCUMENT_NEIGHBOURS = 10;

    /** The neighbours {@code kind}'s rows are blended with; 0 for none. */
    public int neighboursFor(CorpusKind kind) {
      return auto ? (kind == CorpusKind.TEXT ? DOCUMENT_NEIGHBOURS : 0) : neighbours;
    }
  }

  public enum PretrainKind {
    /** pca where it applies (dense tanh or identity networks with mse: the document models), none otherwise. */
    AUTO, NONE, LAYERWISE, PCA
  }

  /** The same settings for another number of epochs, without checkpoints or pretraining (a pretraining stage). */
  public TrainSettings stage(int stageEpochs) {
    return new TrainSettings(stageEpochs, seed, optimizer, distribution, stopping,
        new Checkpointing(0, checkpoints.stats()), new Pretrain(PretrainKind.NONE, pretrain.epochs()), target);
  }

  /** For {@code n} epochs of training only: no held-out rows, early stop, checkpoints or pretraining. */
  public TrainSettings trainingOnly(int n) {
    return new TrainSettings(n, seed, optimizer, distribution, new Stopping(0, 0, 0),
        new Checkpointing(0, checkpoints.stats()), new Pretrain(PretrainKind.NONE, pretrain.epochs()), target);
  }

  /** These settings with {@code train.batch-size-per-worker} resolved for {@code trainRows} split among {@code workers}. */
  public TrainSettings withBatchFor(long trainRows, int workers) {
    return new TrainSettings(epochs, seed, optimizer, distribution.withBatch(distribution.batchFor(trainRows, workers)),
        stopping, checkpoints, pretrain, target);
  }

  /** How the learning rate changes over a run: a linear warm-up, then constant, cosine decay or plateau halving. */
  public record Schedule(ScheduleKind kind, double warmupEpochs, double minFraction, double plateauFactor,
      int plateauPatience, boolean plateauRestoresBest, double plateauRestoreMargin) implements Serializable {

    /**
     * Whether a plateau whose last held-out loss is {@code last} goes back to the best epoch's
     * parameters ({@code best} its loss): only past the margin, where the run has left its basin
     * rather than stalled in it.
     */
    public boolean restoresBest(double last, double best) {
      return plateauRestoresBest && last > best * (1 + plateauRestoreMargin);
    }
  }

  public enum ScheduleKind {
    CONSTANT, COSINE, PLATEAU
  }

  /** Gradient normalization or clipping before the updater (DL4J's GradientNormalization), with its threshold. */
  public record Clipping(GradientClipping kind, double threshold) implements Serializable {}

  public enum GradientClipping {
    NONE, CLIP_L2_PER_LAYER, CLIP_L2_PER_PARAM_TYPE, CLIP_ELEMENT_WISE, RENORMALIZE_L2_PER_LAYER
  }

  /** Parameter averaging (ParameterAveragingTrainingMaster) or gradient sharing (SharedTrainingMaster). */
  public enum Strategy {
    AVERAGING, SHARING
  }

  /** SharedTrainingMaster's settings: its Aeron transport and the threshold of the updates it sends. */
  public record Sharing(int port, String networkMask, double threshold) implements Serializable {}

  public enum Updater {
    ADAM, NADAM, ADAMAX, RMSPROP, NESTEROVS, SGD, ADAGRAD
  }

  public enum WeightInit {
    AUTO, XAVIER, RELU, LECUN_NORMAL, NORMAL, UNIFORM
  }

  /** How DL4J hands minibatches to workers: exported to files first, or straight from the RDD. */
  public enum Approach {
    AUTO, EXPORT, DIRECT
  }

  /** When DL4J repartitions the training data before splitting it among workers. */
  public enum Repartition {
    ALWAYS, NEVER, NUM_PARTITIONS_WORKERS_DIFFERS
  }

  /** Storage levels DL4J may persist the training RDD at. */
  public enum StorageLevel {
    MEMORY_ONLY, MEMORY_ONLY_SER, MEMORY_AND_DISK, MEMORY_AND_DISK_SER, DISK_ONLY
  }

  /** ParameterAveragingTrainingMaster's knobs. */
  public record Averaging(int frequency, int prefetch, Repartition repartition, StorageLevel storageLevel,
      Approach approach, int aggregationDepth) implements Serializable {}

  /** When training stops before {@code epochs}. */
  public record Stopping(double validationFraction, int patience, double maxMinutes) implements Serializable {

    public boolean validates() {
      return validationFraction > 0;
    }
  }

  /**
   * {@code train.learning-rate = auto}: convolutional and variational models want a smaller step,
   * dense models on documents a larger one (see conf/latentforge.conf).
   */
  public static double defaultLearningRate(ModelSpec.Type type, CorpusKind kind) {
    return switch (type) {
      case CONV, VAE -> 0.001;
      case SHALLOW, DEEP, DENOISING -> kind == CorpusKind.TEXT ? 0.01 : 0.003;
    };
  }

  /**
   * The {@code train} section, with {@code model.type} to decide learning-rate = auto (until
   * {@link LatentforgeConfig#forKind} decides it for the corpus, the images' value).
   */
  static TrainSettings from(ConfigReader r, ModelSpec.Type type) {
    double learningRate = r.isAuto("learning-rate")
        ? defaultLearningRate(type, CorpusKind.IMAGE) : r.positiveDouble("learning-rate");
    Optimizer optimizer = new Optimizer(r.enumValue("updater", Updater.class), learningRate,
        r.enumValue("weight-init", WeightInit.class), r.nonNegativeDouble("l2"),
        new Schedule(r.enumValue("lr-schedule", ScheduleKind.class), r.nonNegativeDouble("warmup-epochs"),
            r.fraction("lr-min-fraction"), r.fraction("plateau-factor"), r.intAtLeast("plateau-patience", 1),
            r.bool("plateau-restores-best"), r.nonNegativeDouble("plateau-restore-margin")),
        new Clipping(r.enumValue("gradient-clipping", GradientClipping.class),
            r.positiveDouble("gradient-clipping-threshold")));
    ConfigReader sharing = r.section("sharing");
    int batch = r.isAuto("batch-size-per-worker") ? Distribution.AUTO_BATCH : r.intAtLeast("batch-size-per-worker", 1);
    Distribution distribution = new Distribution(batch, r.intAtLeast("workers", 0),
        r.enumValue("strategy", Strategy.class),
        new Averaging(r.intAtLeast("averaging-frequency", 1), r.intAtLeast("prefetch", 0),
            r.enumValue("repartition", Repartition.class), r.enumValue("storage-level", StorageLevel.class),
            r.enumValue("approach", Approach.class), r.intAtLeast("aggregation-depth", 1)),
        new Sharing(sharing.intBetween("port", 1024, 65535), sharing.string("network-mask"),
            sharing.positiveDouble("threshold")));
    return new TrainSettings(r.intAtLeast("epochs", 1), r.longValue("seed"), optimizer, distribution,
        new Stopping(r.fractionBelowOne("validation-fraction"), r.intAtLeast("patience", 0),
            r.nonNegativeDouble("max-minutes")),
        new Checkpointing(r.intAtLeast("checkpoint-every", 0), r.bool("stats")),
        new Pretrain(r.enumValue("pretrain", PretrainKind.class), r.intAtLeast("pretrain-epochs", 1)),
        new Target(r.isAuto("target-neighbours") ? 0 : r.intAtLeast("target-neighbours", 0), r.fraction("target-weight"),
            r.isAuto("target-neighbours")));
  }
}
