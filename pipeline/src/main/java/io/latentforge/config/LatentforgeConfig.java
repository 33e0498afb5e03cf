package io.latentforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.latentforge.LatentforgeException;
import io.latentforge.schema.CorpusKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The whole validated configuration of a run. Built only by {@link #from(Config)}, which reads
 * every key once and reports the first bad value by key, value received and what is valid.
 * {@code rendered} is the effective configuration as JSON, recorded with every model.
 */
public record LatentforgeConfig(
    SparkSettings spark, InputSettings input, ImageFeatures image, TextFeatures text, ModelSpec model,
    ModelLoading modelLoading, WarmStart warmStart,
    TrainSettings train, EncodeSettings encode, OutputSettings output, PublishSettings publish, NeighborSettings neighbors,
    ClusterSettings cluster, EvaluateSettings evaluate, NightlySettings nightly, IndexSettings index, String rendered) {

  /** This configuration with some keys replaced, e.g. {@code "train.epochs = 1"} (validated again). */
  public LatentforgeConfig with(String hocon) {
    return from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.parseString(rendered)).resolve());
  }

  /**
   * This configuration with the {@code auto} defaults that depend on the corpus decided for
   * {@code kind}: until then they hold the images' values. For documents, model.activation = auto
   * is tanh and train.learning-rate = auto is 0.01 for the dense types: on sparse tf-idf vectors a
   * ReLU network stayed at the mean input (deploy/PERFORMANCE.md, "Code quality on real corpora");
   * model.encoder-layers = auto is [256, 64] (images: [512, 64]).
   */
  public LatentforgeConfig forKind(CorpusKind kind) {
    Config c = ConfigFactory.parseString(rendered);
    List<String> decided = new ArrayList<>();
    if (kind == CorpusKind.TEXT && isAuto(c, "model.activation")) {
      decided.add("model.activation = tanh");
    }
    if (kind == CorpusKind.TEXT && isAuto(c, "model.encoder-layers")) {
      decided.add("model.encoder-layers = " + ModelSpec.TEXT_LAYERS);
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
    ConfigReader r = new ConfigReader(c);
    ModelSpec model = ModelSpec.from(r.section("model"));
    TrainSettings train = TrainSettings.from(r.section("train"), model.type());
    // One seed for the run: training's, and the sampling of neighbour search and clustering.
    long seed = train.seed();
    LatentforgeConfig config = new LatentforgeConfig(SparkSettings.from(r.section("spark")),
        InputSettings.from(r.section("input")), ImageFeatures.from(r.section("features").section("image")),
        TextFeatures.from(r.section("features").section("text")), model,
        ModelLoading.from(r.section("model")), WarmStart.from(r.section("train"), r.section("features")), train,
        EncodeSettings.from(r.section("encode")), OutputSettings.from(r.section("output")),
        PublishSettings.from(r.section("publish")),
        NeighborSettings.from(r.section("neighbors"), seed), ClusterSettings.from(r.section("cluster"), seed),
        EvaluateSettings.from(r.section("evaluate")), NightlySettings.from(r.section("nightly")),
        IndexSettings.from(r.section("index")), c.root().render(ConfigRenderOptions.concise()));
    requireConsistent(config);
    return config;
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
}
