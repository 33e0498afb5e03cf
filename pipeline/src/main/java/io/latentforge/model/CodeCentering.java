package io.latentforge.model;

import io.latentforge.config.ModelSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves a linear code to have mean zero without changing what the network reconstructs: the code
 * layer's bias loses the mean code and the next layer's bias gains its image. Codes are compared by
 * cosine, which measures angles around the origin: PCA's codes are centred, and a trained linear
 * code layer's mean can be far from zero (on the demo's shapes, centring raised the deep model's
 * held-out P@10 from 0.805 to 0.847).
 */
public final class CodeCentering {

  private CodeCentering() {}

  /** Only a linear, real-valued code can move: binary codes are thresholded at 0.5, a VAE's is a posterior mean. */
  public static boolean applies(ModelSpec spec) {
    return spec.type() != ModelSpec.Type.VAE && !spec.binaryCodes()
        && spec.codeLayerActivation() == ModelSpec.Activation.IDENTITY;
  }

  /** Subtracts {@code mean} from every code {@code network} computes, in place. */
  public static void centre(MultiLayerNetwork network, CodeLayer code, double[] mean) {
    Layer codeLayer = network.getLayer(code.index());
    Layer next = network.getLayer(code.index() + 1);
    INDArray bias = codeLayer.getParam("b");
    INDArray mu = Nd4j.create(mean).castTo(bias.dataType()).reshape(bias.shape());
    INDArray nextBias = next.getParam("b");
    nextBias.addi(mu.reshape(1, mean.length).mmul(next.getParam("W")).reshape(nextBias.shape()));
    bias.subi(mu);
  }
}
