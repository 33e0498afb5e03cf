package io.latentforge.train;

import static org.apache.spark.sql.functions.col;

import io.latentforge.config.ModelSpec;
import io.latentforge.config.TrainSettings;
import io.latentforge.encode.Encoder;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.CodeLayer;
import io.latentforge.schema.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greedy layer-wise pretraining, the recipe of Hinton and Salakhutdinov (2006) with autoencoders in
 * place of RBMs (Bengio et al. 2007; with corruption, the stacked denoising autoencoders of Vincent
 * et al. 2010). Each encoder layer, input side first, is trained as a shallow autoencoder of the
 * codes of the layer below; its encoder becomes that layer of the deep network and its decoder the
 * mirrored decoder layer. The deep network then trains as a whole from these weights.
 */
public final class LayerwisePretraining {

  private static final Logger LOG = LoggerFactory.getLogger(LayerwisePretraining.class);

  /** Where a run's training inputs and settings are, for each shallow stage. */
  public record Plan(SparkSession spark, Dataset<Row> rows, int inputSize, ModelSpec spec, ModelSpec.Loss loss,
      TrainSettings settings, SparkTrainer.Paths paths) {}

  private LayerwisePretraining() {}

  /**
   * For {@link SparkTrainer#fit}: sets a fresh deep network's weights by pretraining when
   * {@code train.pretrain = layerwise} (not when resuming); otherwise leaves them as initialized.
   */
  public static Consumer<MultiLayerNetwork> initializer(Plan plan) {
    return plan.settings().pretrain().kind() == TrainSettings.PretrainKind.LAYERWISE
        ? network -> pretrain(plan, network)
        : network -> { };
  }

  static void pretrain(Plan plan, MultiLayerNetwork deep) {
    ModelSpec spec = plan.spec();
    List<Integer> widths = new ArrayList<>(spec.hiddenLayers());
    widths.add(spec.codeSize());
    int outputLayer = deep.getnLayers() - 1;
    Dataset<Row> level = plan.rows().select(Columns.ID, Columns.FEATURES);
    int in = plan.inputSize();
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      for (int i = 0; i < widths.size(); i++) {
        boolean codeLayer = i == widths.size() - 1;
        MultiLayerNetwork shallow = trainStage(plan, level, i, in, widths.get(i), codeLayer);
        copyLayer(shallow, 0, deep, i);
        copyLayer(shallow, 1, deep, outputLayer - i);
        if (!codeLayer) {
          level = codesOf(plan.spark(), level, shallow, i, in).persist(StorageLevel.MEMORY_AND_DISK());
          cached.add(level);
          in = widths.get(i);
        }
      }
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * One shallow autoencoder {@code in -> out -> in}: the first on the model's loss, the deeper ones
   * (whose inputs are unbounded activations) on mse.
   */
  private static MultiLayerNetwork trainStage(Plan plan, Dataset<Row> level, int index, int in, int out,
      boolean codeLayer) {
    ModelSpec spec = plan.spec();
    ModelSpec.Activation activation = codeLayer ? spec.codeActivation() : spec.activation();
    ModelSpec.Loss loss = index == 0 ? plan.loss() : ModelSpec.Loss.MSE;
    Autoencoder.Architecture architecture = Autoencoder.build(spec.shallowStage(out, activation, loss), loss, in, null, plan.settings());
    LOG.info("pretraining layer {} ({} -> {}) for {} epochs", index + 1, in, out, plan.settings().pretrain().epochs());
    SparkTrainer.Paths paths = new SparkTrainer.Paths(plan.paths().scratch() + "-pretrain-" + index,
        plan.paths().checkpoints() + "/pretrain-" + index, plan.paths().fingerprint());
    return SparkTrainer.fit(plan.spark(), level, in, architecture, new Corruption(stageCorruption(spec, index)),
        plan.settings().stage(plan.settings().pretrain().epochs()), paths).network();
  }

  /** Salt-and-pepper noise needs inputs in [0,1], which only the first layer's are. */
  private static ModelSpec.Corruption stageCorruption(ModelSpec spec, int index) {
    ModelSpec.Corruption corruption = spec.trainingCorruption();
    return index > 0 && corruption.type() == ModelSpec.CorruptionType.SALT_PEPPER
        ? new ModelSpec.Corruption(ModelSpec.CorruptionType.NONE, 0) : corruption;
  }

  /** The stage's codes as the next stage's features, with the same ids (so the same held-out rows). */
  private static Dataset<Row> codesOf(SparkSession spark, Dataset<Row> level, MultiLayerNetwork shallow, int index,
      int in) {
    String id = "pretrain-" + index + "-" + Long.toHexString(System.nanoTime());
    return Encoder.encode(spark, level, shallow, id, new CodeLayer(0, false), in, 256)
        .select(col(Columns.ID), functions.array_to_vector(col(Columns.CODE)).as(Columns.FEATURES));
  }

  private static void copyLayer(MultiLayerNetwork from, int fromLayer, MultiLayerNetwork to, int toLayer) {
    for (String key : List.of("W", "b")) {
      to.getLayer(toLayer).setParam(key, from.getLayer(fromLayer).getParam(key).dup());
    }
  }
}
