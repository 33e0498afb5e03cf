package io.latentforge.features.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.testing.SparkSessionExtension;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkSessionExtension.class)
class StandardizationTest {

  @Test
  void eachChannelIsCentredAndScaledOverAllItsPixels(SparkSession spark) {
    // Two 1x2 images with two channels (CHW): channel 0 holds {0, 1, 2, 3}, channel 1 is constant 5.
    Dataset<Row> features = spark.createDataFrame(List.of(
        RowFactory.create(Vectors.dense(0, 1, 5, 5)), RowFactory.create(Vectors.dense(2, 3, 5, 5))),
        new StructType().add("features", SQLDataTypes.VectorType()));
    Standardization s = Standardization.fit(features, 2);
    assertThat(s.mean()).containsExactly(new double[] {1.5, 5}, within(1e-12));
    assertThat(s.std()[0]).isCloseTo(Math.sqrt(1.25), within(1e-12));
    assertThat(s.std()[1]).isEqualTo(1.0);

    List<Row> out = s.apply(features).collectAsList();
    double[] first = ((Vector) out.get(0).get(0)).toArray();
    assertThat(first[0]).isCloseTo(-1.5 / Math.sqrt(1.25), within(1e-12));
    assertThat(first[2]).isZero();
  }
}
