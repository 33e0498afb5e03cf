package io.latentforge.features.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.ImageFeatures;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.testing.SparkSessionExtension;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkSessionExtension.class)
class ImageFeaturizerTest {

  @Test
  void goodRowsBecomeVectorsAndEveryBadRowIsRejectedWithItsReason(SparkSession spark) throws Exception {
    byte[] png = ImageDecoderTest.encode(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
    byte[] big = ImageDecoderTest.encode(new BufferedImage(101, 100, BufferedImage.TYPE_BYTE_GRAY), "png");
    StructType schema = new StructType().add("id", DataTypes.StringType).add(CorpusSource.CONTENT, DataTypes.BinaryType)
        .add("label", DataTypes.IntegerType);
    Dataset<Row> corpus = spark.createDataFrame(List.of(
        RowFactory.create("ok-1", png, 1),
        RowFactory.create("ok-2", png, 2),
        RowFactory.create("no-image", null, 3),
        RowFactory.create(null, png, 4),
        RowFactory.create("garbage", new byte[] {1, 2, 3, 4}, 5),
        RowFactory.create("empty", new byte[0], 6),
        RowFactory.create("ok-1", png, 7),
        RowFactory.create("huge", big, 8)), schema);

    Quarantine.Split split = ImageFeaturizer.featurize(CorpusSource.checkIds(corpus), new ImageFeatures(6, 5, 1), 10_000);
    try {
      List<Row> accepted = split.accepted().collectAsList();
      assertThat(accepted).extracting(r -> r.getString(r.fieldIndex("id"))).containsExactlyInAnyOrder("ok-1", "ok-2");
      assertThat(accepted).allSatisfy(r -> assertThat(((Vector) r.getAs("features")).size()).isEqualTo(30));
      assertThat(split.accepted().columns()).containsExactlyInAnyOrder("id", "label", "features");

      assertThat(accepted).filteredOn(r -> r.getString(r.fieldIndex("id")).equals("ok-1"))
          .singleElement().satisfies(r -> assertThat(r.getInt(r.fieldIndex("label"))).isEqualTo(1));
      Map<String, String> reasons = split.rejects().collectAsList().stream()
          .collect(Collectors.toMap(r -> r.getString(0) + "/" + r.getString(1), r -> r.getString(2)));
      assertThat(reasons.keySet()).containsExactlyInAnyOrder("no-image/null_image", "null/null_id",
          "garbage/undecodable_image", "empty/undecodable_image", "ok-1/duplicate_id", "huge/image_too_large");
      assertThat(split.rejects().collectAsList()).allSatisfy(r -> assertThat(r.getString(2)).isNotBlank());
      assertThat(split.accepted().count() + split.rejects().count()).isEqualTo(corpus.count());
    } finally {
      split.release();
    }
  }

  @Test
  void featuresMatchTheDecoder(SparkSession spark) throws Exception {
    BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(1, 2, 0, 200);
    byte[] png = ImageDecoderTest.encode(image, "png");
    StructType schema = new StructType().add("id", DataTypes.StringType).add(CorpusSource.CONTENT, DataTypes.BinaryType);
    Quarantine.Split split = ImageFeaturizer.featurize(
        CorpusSource.checkIds(spark.createDataFrame(List.of(RowFactory.create("a", png)), schema)), new ImageFeatures(4, 4, 1), 100);
    double[] expected = new ImageDecoder(new ImageFeatures(4, 4, 1), 100).decode(png);
    assertThat(((Vector) split.accepted().first().getAs("features")).toArray()).containsExactly(expected);
    assertThat(Arrays.stream(expected).max().orElseThrow()).isGreaterThan(0.7);
    split.release();
  }
}
