package io.latentforge.importers;

import io.latentforge.LatentforgeException;
import io.latentforge.features.image.Png;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The IDX files of MNIST and Fashion-MNIST ({@code *-images-idx3-ubyte[.gz]} with the matching
 * {@code *-labels-idx1-ubyte[.gz]}): each image becomes a grayscale PNG, its id
 * {@code <file prefix>-<index>} (e.g. {@code train-000042}), its label the digit or class number.
 */
public final class MnistIdx implements Importer {

  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;
  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("image", DataTypes.BinaryType, false)
      .add("label", DataTypes.IntegerType, false);

  @Override
  public Dataset<Row> read(SparkSession spark, String source) {
    Dataset<Row> all = null;
    for (Path images : Sources.files(spark, source, ".*images[-.]idx3-ubyte(\\.gz)?", "IDX image files (*-images-idx3-ubyte)")) {
      Path labels = new Path(images.getParent(), images.getName().replace("images", "labels").replace("idx3", "idx1"));
      Dataset<Row> part = spark.createDataFrame(rows(spark, images, labels), SCHEMA);
      all = all == null ? part : all.union(part);
    }
    return all;
  }

  private static List<Row> rows(SparkSession spark, Path images, Path labels) {
    String prefix = images.getName().replaceFirst("[-.]images.*", "");
    try (DataInputStream img = Sources.open(spark, images); DataInputStream lab = Sources.open(spark, labels)) {
      expectMagic(img, IMAGES_MAGIC, images);
      expectMagic(lab, LABELS_MAGIC, labels);
      int count = img.readInt();
      int rows = img.readInt();
      int cols = img.readInt();
      if (lab.readInt() != count) {
        throw LatentforgeException.badInput(images + " and " + labels + " hold different numbers of items.",
            "pair each images file with the labels file of the same set.");
      }
      List<Row> out = new ArrayList<>(count);
      byte[] pixels = new byte[rows * cols];
      for (int i = 0; i < count; i++) {
        img.readFully(pixels);
        out.add(RowFactory.create(String.format("%s-%06d", prefix, i), png(pixels, cols, rows), lab.readUnsignedByte()));
      }
      return out;
    } catch (java.io.FileNotFoundException e) {
      throw LatentforgeException.badInput("No labels file " + labels + " for " + images + ".",
          "put the labels file (" + labels.getName() + ") beside the images file.");
    } catch (java.io.EOFException e) {
      throw LatentforgeException.badInput(images + " or " + labels + " is truncated.", "download the file again.");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + images, e);
    }
  }

  private static void expectMagic(DataInputStream in, int magic, Path file) throws IOException {
    int found = in.readInt();
    if (found != magic) {
      throw LatentforgeException.badInput(String.format("%s is not an IDX file of the expected kind: magic number 0x%08x, expected 0x%08x.",
          file, found, magic), "pass MNIST-style *-images-idx3-ubyte and *-labels-idx1-ubyte files (optionally .gz).");
    }
  }

  static byte[] png(byte[] gray, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, width, height, gray);
    return Png.encode(image);
  }
}
