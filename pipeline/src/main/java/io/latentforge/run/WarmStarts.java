package io.latentforge.run;

import io.latentforge.LatentforgeException;
import io.latentforge.config.ImageFeatures;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.config.WarmStart;
import io.latentforge.model.ModelCard;
import io.latentforge.model.ModelStore;
import io.latentforge.publish.OutputLayout;
import io.latentforge.publish.PartitionManifest;
import io.latentforge.publish.TableSink;
import io.latentforge.schema.Columns;
import io.latentforge.schema.CorpusKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The model a nightly's training starts from ({@code train.init}), and whether it can. */
final class WarmStarts {

  private static final Logger LOG = LoggerFactory.getLogger(WarmStarts.class);

  private WarmStarts() {}

  /** The parent model, loaded and checked; null when training starts from scratch. */
  static ModelStore.Loaded parent(Configuration hadoop, LatentforgeConfig config, OutputLayout out, String runDate,
      CorpusKind kind) {
    WarmStart warm = config.warmStart();
    if (warm.fromScratch()) {
      return null;
    }
    String dir = warm.fromPrevious() ? previous(hadoop, out, runDate).orElse(null) : warm.init();
    if (dir == null) {
      LOG.info("train.init = previous: no code partition before {} in {}; training from scratch", runDate, out.codes());
      return null;
    }
    ModelStore.Loaded parent = new ModelStore(hadoop).load(dir, config.modelLoading().allowLegacyFormat());
    if (!parent.input().kind().equals(Runs.kindName(kind))) {
      throw LatentforgeException.usage("train.init: the model in " + dir + " encodes " + parent.input().kind()
          + " corpora, not " + Runs.kindName(kind) + ".", "start from a model of the same kind, or from scratch.");
    }
    if (kind == CorpusKind.IMAGE && !warm.refit()) {
      requireSameImages(parent, config.image());
    }
    LOG.info("warm start from model {} ({})", parent.modelId(), dir);
    return parent;
  }

  /**
   * Reusing the parent's image featurization means its image size: the settings must say the same,
   * or this run's model card (and a convolutional architecture) would disagree with its features.
   */
  private static void requireSameImages(ModelStore.Loaded parent, ImageFeatures image) {
    ModelCard.Input input = parent.input();
    if (!Objects.equals(input.height(), image.height()) || !Objects.equals(input.width(), image.width())
        || !Objects.equals(input.channels(), image.channels())) {
      throw LatentforgeException.usage("train.init: the model " + parent.modelId() + " reads " + input.height() + "x"
              + input.width() + " images with " + input.channels() + " channel(s), but features.image asks for "
              + image.height() + "x" + image.width() + " with " + image.channels() + ".",
          "use the parent's features.image settings, or train.init = scratch.");
    }
  }

  /** The directory of the model behind the newest code partition dated before {@code runDate}. */
  static Optional<String> previous(Configuration hadoop, OutputLayout out, String runDate) {
    return newestPartitionBefore(hadoop, out, runDate).map(partition -> {
      PartitionManifest manifest = TableSink.manifest(hadoop, partition);
      if (manifest == null || manifest.modelId() == null) {
        throw LatentforgeException.usage("train.init = previous: the newest code partition before " + runDate + ", "
            + partition + ", has no manifest naming its model.", "pass train.init the directory of a model instead.");
      }
      return out.model(manifest.modelId());
    });
  }

  /** The newest code partition dated before {@code runDate}, if any. */
  static Optional<Path> newestPartitionBefore(Configuration hadoop, OutputLayout out, String runDate) {
    Path table = new Path(out.codes());
    String before = Columns.RUN_DATE + "=" + runDate;
    try {
      FileSystem fs = table.getFileSystem(hadoop);
      if (!fs.exists(table)) {
        return Optional.empty();
      }
      String newest = null;
      for (FileStatus partition : fs.listStatus(table)) {
        String name = partition.getPath().getName();
        if (name.startsWith(Columns.RUN_DATE + "=") && name.compareTo(before) < 0
            && (newest == null || name.compareTo(newest) > 0)) {
          newest = name;
        }
      }
      return Optional.ofNullable(newest).map(name -> new Path(table, name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the code partitions of " + table, e);
    }
  }

  /**
   * The parent's parameters fit the network this run builds: same code size, input size and
   * layer widths; otherwise exit 2 naming the setting, before any training.
   */
  static void requireCompatible(ModelStore.Loaded parent, MultiLayerConfiguration now, ModelSpec spec, int inputSize) {
    String differs = null;
    if (parent.card().codeSize() != spec.codeSize()) {
      differs = "model.code-size: the parent's is " + parent.card().codeSize() + ", this run's " + spec.codeSize();
    } else if (parent.input().features() != inputSize) {
      differs = "the input size: the parent reads " + parent.input().features() + " features, this run "
          + inputSize + " (features.refit or the features.* settings changed them)";
    } else if (!widths(parent.network().getLayerWiseConfigurations()).equals(widths(now))) {
      differs = "the layer widths (model.encoder-layers, model.decoder-layers, model.type): the parent's are "
          + widths(parent.network().getLayerWiseConfigurations()) + ", this run's " + widths(now);
    }
    if (differs != null) {
      throw LatentforgeException.usage("train.init: the model " + parent.modelId() + " cannot start this run: "
          + differs + ".", "use the parent's settings, or train.init = scratch.");
    }
  }

  private static List<String> widths(MultiLayerConfiguration conf) {
    List<String> widths = new ArrayList<>();
    for (int i = 0; i < conf.getConfs().size(); i++) {
      if (conf.getConf(i).getLayer() instanceof FeedForwardLayer layer) {
        widths.add(layer.getNIn() + "->" + layer.getNOut());
      }
    }
    return widths;
  }
}
