package io.latentforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.latentforge.LatentforgeException;
import io.latentforge.schema.CorpusKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The whole validated configuration of a run. Built only by {@link #from(Config)}, which reads
 * every key once and reports the first bad value by key, value received and what is valid.
 * {@code rendered} is the effective configuration as JSON, recorded with every model.
 */
public record LatentforgeConfig(
    SparkSettings spark, InputSettings input, ImageFeatures image, TextFeatures text, ModelSpec model,
    TrainSettings train, EncodeSettings encode, OutputSettings output, NeighborSettings neighbors,
    ClusterSettings cluster, EvaluateSettings evaluate, NightlySettings nightly, String rendered) {

  /** Languages with a stop-word list in Spark's StopWordsRemover, and none. */
  static final List<String> STOP_WORD_LANGUAGES = List.of("none", "danish", "dutch", "english", "finnish", "french",
      "german", "hungarian", "italian", "norwegian", "portuguese", "russian", "spanish", "swedish", "turkish");

  /** This configuration with some keys replaced, e.g. {@code "train.epochs = 1"} (validated again). */
  public LatentforgeConfig with(String hocon) {
    return from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.parseString(rendered)).resolve());
  }

  /**
   * This configuration with the {@code auto} defaults that depend on the corpus decided for
   * {@code kind}: until then they hold the images' values. For documents, model.activation = auto
   * is tanh and train.learning-rate = auto is 0.01 for the dense types: on sparse tf-idf vectors a
   * ReLU network stayed at the mean input (README, "Code quality on real corpora").
   */
  public LatentforgeConfig forKind(CorpusKind kind) {
    Config c = ConfigFactory.parseString(rendered);
    List<String> decided = new ArrayList<>();
    if (kind == CorpusKind.TEXT && isAuto(c, "model.activation")) {
      decided.add("model.activation = tanh");
    }
    if (kind == CorpusKind.TEXT && isAuto(c, "train.learning-rate")) {
      decided.add("train.learning-rate = " + TrainSettings.defaultLearningRate(model.type(), kind));
    }
    return decided.isEmpty() ? this : with(String.join("\n", decided));
  }

  private static boolean isAuto(Config c, String key) {
    return "auto".equals(c.getValue(key).unwrapped());
  }

  public static LatentforgeConfig from(Config c) {
    Reader r = new Reader(c);
    // One seed for the run: training's, and the sampling of neighbour search and clustering.
    long seed = c.getLong("train.seed");
    LatentforgeConfig config = new LatentforgeConfig(
        new SparkSettings(r.string("spark.master"), r.intAtLeast("spark.shuffle-partitions", 1),
            r.c.getBoolean("spark.kryo"), r.byteSize("spark.executor-offheap"), r.byteSize("spark.executor-physical"),
            r.byteSize("spark.executor-memory-overhead")),
        new InputSettings(r.string("input.id-column"), r.string("input.image-column"),
            r.string("input.text-column"), r.string("input.label-column"), r.longAtLeast("input.max-image-pixels", 1),
            r.fractionOrZero("input.max-reject-fraction")),
        new ImageFeatures(r.intBetween("features.image.height", 1, 4096), r.intBetween("features.image.width", 1, 4096),
            r.oneOf("features.image.channels", List.of(1, 3), Integer::parseInt),
            r.c.getBoolean("features.image.standardize")),
        new TextFeatures(r.intAtLeast("features.text.vocab-size", 1), r.intAtLeast("features.text.min-df", 1),
            r.fraction("features.text.max-df"), r.intAtLeast("features.text.min-token-length", 1),
            r.oneOf("features.text.stop-words", STOP_WORD_LANGUAGES, s -> s.toLowerCase(Locale.ROOT)),
            c.getStringList("features.text.extra-stop-words"),
            r.enumValue("features.text.weighting", TextFeatures.Weighting.class),
            r.enumValue("features.text.normalize", TextFeatures.Normalize.class)),
        model(r),
        train(r, seed),
        new EncodeSettings(r.intBetween("encode.batch-size", 1, 1 << 16)),
        new OutputSettings(r.tableName("output.table")),
        new NeighborSettings(r.intAtLeast("neighbors.k", 1), r.enumValue("neighbors.metric", Metric.class),
            r.intBetween("neighbors.block-rows", 1, 1 << 15),
            new NeighborSettings.Approximate(r.intAtLeast("neighbors.approximate.tables", 1),
                r.intBetween("neighbors.approximate.bits", 0, 30), r.intAtLeast("neighbors.approximate.bucket-rows", 2),
                r.intAtLeast("neighbors.approximate.recall-queries", 0)),
            seed),
        new ClusterSettings(r.intAtLeast("cluster.k", 2), r.enumValue("cluster.algorithm", ClusterSettings.Algorithm.class),
            r.intAtLeast("cluster.max-iterations", 1), seed),
        new EvaluateSettings(r.intAtLeast("evaluate.max-rows", 2), r.positiveIntList("evaluate.precision-at"),
            r.intAtLeast("evaluate.knn-k", 1), r.enumValue("evaluate.metric", Metric.class),
            r.intAtLeast("evaluate.pca-max-features", 1), r.fraction("evaluate.holdout-fraction")),
        new NightlySettings(r.enumList("nightly.steps", NightlySettings.Step.class)),
        c.root().render(ConfigRenderOptions.concise()));
    requireConsistent(config);
    return config;
  }

  private static ModelSpec model(Reader r) {
    ModelSpec.Type type = r.enumValue("model.type", ModelSpec.Type.class);
    return new ModelSpec(type, r.intAtLeast("model.code-size", 1),
        r.positiveIntList("model.encoder-layers"), r.intList("model.decoder-layers", 1),
        // auto holds the images' relu until forKind decides it for the corpus.
        r.enumOrAuto("model.activation", ModelSpec.Activation.class, ModelSpec.Activation.RELU),
        r.enumValue("model.code-activation", ModelSpec.Activation.class),
        r.enumValue("model.loss", ModelSpec.Loss.class),
        new ModelSpec.Corruption(r.enumValue("model.corruption.type", ModelSpec.CorruptionType.class),
            r.nonNegativeDouble("model.corruption.level")),
        new ModelSpec.Conv(r.enumValue("model.conv.downsample", ModelSpec.Downsample.class),
            r.positiveIntList("model.conv.channels"), r.positiveIntList("model.conv.kernel-sizes"),
            r.positiveIntList("model.conv.strides"), r.intList("model.conv.padding", 0)),
        r.c.getBoolean("model.binary-codes"), r.positiveDouble("model.binary-noise"),
        r.nonNegativeDouble("model.vae.kl-weight"), r.intAtLeast("model.vae.kl-warmup-epochs", 0));
  }

  private static TrainSettings train(Reader r, long seed) {
    ModelSpec.Type type = r.enumValue("model.type", ModelSpec.Type.class);
    double learningRate = isAuto(r.c, "train.learning-rate")
        ? TrainSettings.defaultLearningRate(type, CorpusKind.IMAGE) : r.positiveDouble("train.learning-rate");
    TrainSettings.Optimizer optimizer = new TrainSettings.Optimizer(
        r.enumValue("train.updater", TrainSettings.Updater.class), learningRate,
        r.enumValue("train.weight-init", TrainSettings.WeightInit.class), r.nonNegativeDouble("train.l2"),
        new TrainSettings.Schedule(r.enumValue("train.lr-schedule", TrainSettings.ScheduleKind.class),
            r.nonNegativeDouble("train.warmup-epochs"), r.fraction("train.lr-min-fraction"),
            r.fraction("train.plateau-factor"), r.intAtLeast("train.plateau-patience", 1)),
        new TrainSettings.Clipping(r.enumValue("train.gradient-clipping", TrainSettings.GradientClipping.class),
            r.positiveDouble("train.gradient-clipping-threshold")));
    TrainSettings.Distribution distribution = new TrainSettings.Distribution(
        r.intAtLeast("train.batch-size-per-worker", 1), r.intAtLeast("train.workers", 0),
        r.enumValue("train.strategy", TrainSettings.Strategy.class),
        new TrainSettings.Averaging(r.intAtLeast("train.averaging-frequency", 1), r.intAtLeast("train.prefetch", 0),
            r.enumValue("train.repartition", TrainSettings.Repartition.class),
            r.enumValue("train.storage-level", TrainSettings.StorageLevel.class),
            r.enumValue("train.approach", TrainSettings.Approach.class), r.intAtLeast("train.aggregation-depth", 1)),
        new TrainSettings.Sharing(r.intBetween("train.sharing.port", 1024, 65535), r.string("train.sharing.network-mask"),
            r.positiveDouble("train.sharing.threshold")));
    return new TrainSettings(r.intAtLeast("train.epochs", 1), seed, optimizer, distribution,
        new TrainSettings.Stopping(r.fractionBelowOne("train.validation-fraction"), r.intAtLeast("train.patience", 0),
            r.nonNegativeDouble("train.max-minutes")),
        new TrainSettings.Checkpointing(r.intAtLeast("train.checkpoint-every", 0), r.c.getBoolean("train.stats")),
        new TrainSettings.Pretrain(r.enumValue("train.pretrain", TrainSettings.PretrainKind.class),
            r.intAtLeast("train.pretrain-epochs", 1)));
  }

  /** Checks between keys, so a run that cannot work fails before it reads any data. */
  private static void requireConsistent(LatentforgeConfig config) {
    ModelSpec model = config.model();
    if (config.image().standardize() && model.loss() == ModelSpec.Loss.XENT) {
      throw LatentforgeException.usage("model.loss = xent needs inputs in [0,1], but features.image.standardize = true "
          + "centres them on 0.", "use model.loss = mse (or auto), or turn standardization off.");
    }
    if (model.type() == ModelSpec.Type.CONV) {
      requireConvShapes(model.conv(), config.image());
    }
    if (model.type() == ModelSpec.Type.VAE && model.binaryCodes()) {
      throw LatentforgeException.usage("model.binary-codes = true does not apply to model.type = vae, whose code is "
          + "the mean of q(z|x).", "use model.type = deep, denoising or conv for binary codes.");
    }
    if (model.type() == ModelSpec.Type.DENOISING) {
      requireCorruption(model.corruption(), config.image());
    }
    if (config.train().pretrain().kind() == TrainSettings.PretrainKind.LAYERWISE) {
      requireLayerwise(model);
    }
    if (config.evaluate().metric() == Metric.HAMMING) {
      throw LatentforgeException.usage("evaluate.metric = hamming does not apply to raw features and baselines.",
          "use cosine or euclidean; binary codes are always also evaluated with hamming distance as code_bits.");
    }
  }

  private static void requireLayerwise(ModelSpec model) {
    if (model.type() != ModelSpec.Type.DEEP && model.type() != ModelSpec.Type.DENOISING) {
      throw LatentforgeException.usage("train.pretrain = layerwise stacks dense layers: it applies to model.type = deep "
          + "or denoising, not " + model.type().name().toLowerCase(Locale.ROOT) + ".",
          "set train.pretrain = none, or model.type = deep or denoising.");
    }
    if (model.binaryCodes()) {
      throw LatentforgeException.usage("train.pretrain = layerwise does not pretrain the noisy code layer of binary codes.",
          "set train.pretrain = none, or model.binary-codes = false.");
    }
    if (!model.decoderHiddenLayers().equals(model.mirroredEncoder())) {
      throw LatentforgeException.usage("train.pretrain = layerwise gives each decoder layer the weights of the matching "
          + "encoder layer's shallow autoencoder, so the decoder must mirror the encoder; model.decoder-layers = "
          + model.decoderLayers() + " against model.encoder-layers = " + model.encoderLayers() + ".",
          "set model.decoder-layers = [] (the mirror), or train.pretrain = none.");
    }
  }

  private static void requireConvShapes(ModelSpec.Conv conv, ImageFeatures image) {
    int stages = conv.stages();
    if (conv.kernelSizes().size() != stages || conv.strides().size() != stages || conv.padding().size() != stages) {
      throw LatentforgeException.usage("model.conv.channels, kernel-sizes, strides and padding need one entry per "
          + "stage; got " + stages + ", " + conv.kernelSizes().size() + ", " + conv.strides().size() + " and "
          + conv.padding().size() + ".", "give each list the same length.");
    }
    try {
      ConvPlan.validated(conv, new ConvPlan.Shape(image.channels(), image.height(), image.width()));
    } catch (IllegalArgumentException e) {
      throw LatentforgeException.usage("model.conv: " + e.getMessage() + ".",
          "in stride mode a kernel of 4 with stride 2 and padding 1 halves and doubles even sizes exactly; "
              + "in pool mode each stride must divide the size it pools; or change features.image.height/width.");
    }
  }

  private static void requireCorruption(ModelSpec.Corruption corruption, ImageFeatures image) {
    double level = corruption.level();
    switch (corruption.type()) {
      case NONE -> throw LatentforgeException.usage("model.type = denoising needs a corruption, but "
          + "model.corruption.type = none.", "set model.corruption.type to masking, gaussian or salt-pepper.");
      case MASKING, SALT_PEPPER -> {
        if (!(level > 0 && level < 1)) {
          throw LatentforgeException.usage("model.corruption.level = " + level + " is not a fraction of inputs.",
              "use a fraction between 0 and 1 (exclusive), e.g. 0.3.");
        }
      }
      case GAUSSIAN -> {
        if (!(level > 0)) {
          throw LatentforgeException.usage("model.corruption.level = " + level + " is not a standard deviation.",
              "use a positive number, e.g. 0.2.");
        }
      }
    }
    if (corruption.type() == ModelSpec.CorruptionType.SALT_PEPPER && image.standardize()) {
      throw LatentforgeException.usage("model.corruption.type = salt-pepper sets inputs to 0 or 1, but "
          + "features.image.standardize = true centres them on 0.", "use masking or gaussian, or turn standardization off.");
    }
  }

  /** Typed getters that turn Typesafe's exceptions into messages naming the key and valid values. */
  private record Reader(Config c) {

    String string(String key) {
      return get(key, () -> {
        String v = c.getString(key);
        if (v.isBlank()) {
          throw bad(key, "\"\"", "a non-empty string");
        }
        return v;
      });
    }

    int intAtLeast(String key, int min) {
      int v = get(key, () -> c.getInt(key));
      if (v < min) {
        throw bad(key, v, "an integer >= " + min);
      }
      return v;
    }

    int intBetween(String key, int min, int max) {
      int v = get(key, () -> c.getInt(key));
      if (v < min || v > max) {
        throw bad(key, v, "an integer from " + min + " to " + max);
      }
      return v;
    }

    String tableName(String key) {
      String v = get(key, () -> c.getString(key));
      if (!v.isEmpty() && !v.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
        throw bad(key, "\"" + v + "\"", "a table name such as codes or db.codes, or \"\" for none");
      }
      return v;
    }

    long longAtLeast(String key, long min) {
      long v = get(key, () -> c.getLong(key));
      if (v < min) {
        throw bad(key, v, "an integer >= " + min);
      }
      return v;
    }

    double fractionOrZero(String key) {
      double v = get(key, () -> c.getDouble(key));
      if (!(v >= 0 && v <= 1)) {
        throw bad(key, v, "a fraction from 0 to 1");
      }
      return v;
    }

    double fraction(String key) {
      double v = get(key, () -> c.getDouble(key));
      if (!(v > 0 && v <= 1)) {
        throw bad(key, v, "a fraction in (0, 1]");
      }
      return v;
    }

    /** A size as the JVM and Spark write it: digits and an optional k, m, g or t. */
    String byteSize(String key) {
      String v = get(key, () -> c.getString(key));
      if (!v.matches("\\d+[kKmMgGtT]?")) {
        throw bad(key, "\"" + v + "\"", "a size such as 512m, 4G or 12g");
      }
      return v;
    }

    double fractionBelowOne(String key) {
      double v = get(key, () -> c.getDouble(key));
      if (!(v >= 0 && v < 1)) {
        throw bad(key, v, "a fraction from 0 (inclusive) to 1 (exclusive)");
      }
      return v;
    }

    double nonNegativeDouble(String key) {
      double v = get(key, () -> c.getDouble(key));
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw bad(key, v, "a number >= 0");
      }
      return v;
    }

    List<Integer> intList(String key, int min) {
      List<Integer> v = get(key, () -> c.getIntList(key));
      if (v.stream().anyMatch(i -> i < min)) {
        throw bad(key, v, "a list of integers >= " + min);
      }
      return List.copyOf(v);
    }

    double positiveDouble(String key) {
      double v = get(key, () -> c.getDouble(key));
      if (!(v > 0) || Double.isInfinite(v)) {
        throw bad(key, v, "a positive number");
      }
      return v;
    }

    <T> T oneOf(String key, List<T> allowed, Function<String, T> parse) {
      String raw = get(key, () -> c.getValue(key).unwrapped().toString());
      T v;
      try {
        v = parse.apply(raw);
      } catch (RuntimeException e) {
        throw bad(key, raw, "one of " + allowed);
      }
      if (!allowed.contains(v)) {
        throw bad(key, raw, "one of " + allowed);
      }
      return v;
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type) {
      return constant(key, type, "one of " + names(type));
    }

    /** {@code key}'s value, or {@code auto} as {@code whenAuto}. */
    <E extends Enum<E>> E enumOrAuto(String key, Class<E> type, E whenAuto) {
      return isAuto(c, key) ? whenAuto : constant(key, type, "auto or one of " + names(type));
    }

    private <E extends Enum<E>> E constant(String key, Class<E> type, String valid) {
      String raw = get(key, () -> c.getString(key));
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(raw.replace('-', '_'))) {
          return e;
        }
      }
      throw bad(key, raw, valid);
    }

    <E extends Enum<E>> List<E> enumList(String key, Class<E> type) {
      List<String> raw = get(key, () -> c.getStringList(key));
      List<E> out = new java.util.ArrayList<>();
      for (String value : raw) {
        E e = java.util.Arrays.stream(type.getEnumConstants())
            .filter(x -> x.name().equalsIgnoreCase(value.replace('-', '_'))).findFirst()
            .orElseThrow(() -> bad(key, raw, "a list of " + names(type)));
        out.add(e);
      }
      return List.copyOf(out);
    }

    List<Integer> positiveIntList(String key) {
      List<Integer> v = get(key, () -> c.getIntList(key));
      if (v.stream().anyMatch(i -> i < 1)) {
        throw bad(key, v, "a list of positive integers, e.g. [256, 64]");
      }
      return List.copyOf(v);
    }

    private <T> T get(String key, java.util.function.Supplier<T> getter) {
      try {
        return getter.get();
      } catch (ConfigException.WrongType e) {
        throw LatentforgeException.usage("Config key '" + key + "' has the wrong type: " + e.getMessage(),
            "see conf/latentforge.conf for the type of its default.");
      }
    }

    private static LatentforgeException bad(String key, Object value, String valid) {
      return LatentforgeException.usage("Config key '" + key + "' has invalid value " + value + ".",
          "use " + valid + ".");
    }

    private static <E extends Enum<E>> List<String> names(Class<E> type) {
      return java.util.Arrays.stream(type.getEnumConstants())
          .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
    }
  }
}
