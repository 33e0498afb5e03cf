package io.latentforge.importers;

import io.latentforge.features.image.Png;
import java.awt.image.BufferedImage;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * CIFAR-10's binary batches ({@code data_batch_N.bin}, {@code test_batch.bin}): records of one
 * label byte and 3072 pixel bytes (1024 red, 1024 green, 1024 blue, 32x32 row-major), read in
 * parallel with Spark's fixed-length record reader. Each image becomes an RGB PNG, its id
 * {@code <batch>-<index>}, its label the class number (0 airplane ... 9 truck).
 */
public final class Cifar10 implements Importer {

  private static final int SIDE = 32;
  private static final int RECORD = 1 + 3 * SIDE * SIDE;

  @Override
  public Dataset<Row> read(SparkSession spark, String source) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> all = null;
    for (Path batch : Sources.files(spark, source, ".*_batch(_\\d+)?\\.bin", "CIFAR-10 binary batches (*_batch*.bin)")) {
      String prefix = batch.getName().replace(".bin", "");
      JavaRDD<Row> rows = sc.binaryRecords(batch.toString(), RECORD).zipWithIndex()
          .map(t -> RowFactory.create(String.format("%s-%05d", prefix, t._2()), png(t._1()), t._1()[0] & 0xff));
      all = all == null ? rows : all.union(rows);
    }
    return spark.createDataFrame(all, MnistIdx.SCHEMA);
  }

  static byte[] png(byte[] record) {
    BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    int plane = SIDE * SIDE;
    for (int i = 0; i < plane; i++) {
      int r = record[1 + i] & 0xff;
      int g = record[1 + plane + i] & 0xff;
      int b = record[1 + 2 * plane + i] & 0xff;
      image.setRGB(i % SIDE, i / SIDE, (r << 16) | (g << 8) | b);
    }
    return Png.encode(image);
  }
}
