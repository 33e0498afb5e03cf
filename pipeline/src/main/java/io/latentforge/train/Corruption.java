package io.latentforge.train;

import io.latentforge.config.ModelSpec;
import java.io.Serializable;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The corruption of a denoising autoencoder, applied to the training data rather than inside the
 * network: each epoch's minibatches get features corrupted afresh for every example, drawn from a
 * generator seeded by (seed, epoch, partition), while the labels stay the clean inputs. Runs are
 * repeatable and a resumed epoch sees the same corruption; encoding never passes through here.
 */
public final class Corruption implements Serializable {

  private final ModelSpec.CorruptionType type;
  private final double level;

  public Corruption(ModelSpec.Corruption spec) {
    this.type = spec.type();
    this.level = spec.level();
  }

  public boolean isNone() {
    return type == ModelSpec.CorruptionType.NONE;
  }

  /** This epoch's corrupted copy of the clean minibatches (which are not changed). */
  public JavaRDD<DataSet> epoch(JavaRDD<DataSet> clean, long seed, int epoch) {
    if (isNone()) {
      return clean;
    }
    Corruption self = this;
    Function2<Integer, Iterator<DataSet>, Iterator<DataSet>> corrupt = (partition, batches) -> {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch * 8_191L + partition);
      // Lazily, one minibatch at a time: a partition never has to fit in memory twice.
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return batches.hasNext();
        }

        @Override
        public DataSet next() {
          DataSet b = batches.next();
          return new DataSet(self.corrupt(b.getFeatures(), random), b.getLabels());
        }
      };
    };
    return clean.mapPartitionsWithIndex(corrupt, true);
  }

  /** A corrupted copy of {@code clean}. */
  public INDArray corrupt(INDArray clean, SplittableRandom random) {
    float[] x = clean.dup('c').data().asFloat();
    for (int i = 0; i < x.length; i++) {
      x[i] = corrupt(x[i], random);
    }
    return Nd4j.create(x, clean.shape(), 'c');
  }

  private float corrupt(float v, SplittableRandom random) {
    return switch (type) {
      case NONE -> v;
      case MASKING -> random.nextDouble() < level ? 0f : v;
      case GAUSSIAN -> (float) (v + level * random.nextGaussian());
      case SALT_PEPPER -> random.nextDouble() < level ? (random.nextBoolean() ? 1f : 0f) : v;
    };
  }
}
