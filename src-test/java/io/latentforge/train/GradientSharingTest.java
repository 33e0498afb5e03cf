package io.latentforge.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.model.AutoencoderFamilyTestData;
import io.latentforge.testing.SparkSessionExtension;
import io.latentforge.testing.Training;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** train.strategy = sharing: DL4J's SharedTrainingMaster trains through the same path. */
@ExtendWith(SparkSessionExtension.class)
class GradientSharingTest {

  @TempDir
  Path dir;

  @Test
  void gradientSharingTrainsTheAutoencoder(SparkSession spark) {
    double[][] x = AutoencoderFamilyTestData.bars(1000, 12, 9);
    Training.Model model = Training.train(spark, x, false, dir, "train.strategy=sharing", "model.encoder-layers=[64]",
        "model.code-size=16", "model.loss=xent", "train.epochs=8", "train.validation-fraction=0.1");
    double error = model.reconError(x, x);
    double baseline = AutoencoderFamilyTestData.meanBaseline(x);
    System.out.printf("gradient sharing: recon error %.3f, mean baseline %.3f%n", error, baseline);
    assertThat(error).isLessThan(0.7 * baseline);
  }
}
