package io.latentforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.InputSettings;
import io.latentforge.input.CorpusSource;
import io.latentforge.schema.CorpusKind;
import io.latentforge.testing.SparkSessionExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every import format on small inputs built here, checked through the corpus reader. */
@ExtendWith(SparkSessionExtension.class)
class ImportCommandTest {

  @TempDir
  Path dir;

  private final InputSettings input = ConfigLoader.load(null, List.of()).input();

  private Map<String, Row> imported(SparkSession spark, CorpusKind kind, String... args) {
    CliErrorsTest.Outcome r = CliErrorsTest.cli(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    String dest = args[3];
    assertThat(r.out()).contains("imported", dest);
    // The result must satisfy the input contract's checks.
    CorpusSource.read(spark, dest, kind, input);
    return spark.read().parquet(dest).collectAsList().stream().collect(Collectors.toMap(x -> x.getString(x.fieldIndex("id")), x -> x));
  }

  @Test
  void mnistIdxFilesGzippedOrNot(SparkSession spark) throws Exception {
    Path src = Files.createDirectories(dir.resolve("mnist"));
    writeIdx(src.resolve("train-images-idx3-ubyte.gz"), src.resolve("train-labels-idx1-ubyte.gz"), true, 3);
    writeIdx(src.resolve("t10k-images-idx3-ubyte"), src.resolve("t10k-labels-idx1-ubyte"), false, 2);
    Map<String, Row> rows = imported(spark, CorpusKind.IMAGE, "import", "mnist-idx", src.toString(), dir.resolve("out").toString());
    assertThat(rows.keySet()).containsExactlyInAnyOrder("train-000000", "train-000001", "train-000002", "t10k-000000", "t10k-000001");
    Row second = rows.get("train-000001");
    assertThat(second.getInt(second.fieldIndex("label"))).isEqualTo(1);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(second.getAs("image")));
    assertThat(image.getWidth()).isEqualTo(5);
    assertThat(image.getHeight()).isEqualTo(4);
    assertThat(image.getRaster().getSample(2, 3, 0)).isEqualTo(pixel(1, 3 * 5 + 2));
  }

  @Test
  void cifar10BinaryBatches(SparkSession spark) throws Exception {
    Path src = Files.createDirectories(dir.resolve("cifar"));
    writeCifar(src.resolve("data_batch_1.bin"), 3);
    writeCifar(src.resolve("test_batch.bin"), 1);
    Files.writeString(src.resolve("batches.meta.txt"), "airplane\nautomobile\n");
    Map<String, Row> rows = imported(spark, CorpusKind.IMAGE, "import", "cifar10", src.toString(), dir.resolve("out").toString());
    assertThat(rows.keySet()).containsExactlyInAnyOrder("data_batch_1-00000", "data_batch_1-00001", "data_batch_1-00002",
        "test_batch-00000");
    Row r = rows.get("data_batch_1-00002");
    assertThat(r.getInt(r.fieldIndex("label"))).isEqualTo(2);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.getAs("image")));
    // Record 2 has red = 2, green = 100, blue = 200 everywhere.
    assertThat(image.getRGB(31, 31) & 0xffffff).isEqualTo((2 << 16) | (100 << 8) | 200);
  }

  @Test
  void imageAndTextDirectoriesLabelledByFolder(SparkSession spark) throws Exception {
    Path images = dir.resolve("images");
    Files.createDirectories(images.resolve("cat"));
    Files.createDirectories(images.resolve("dog"));
    ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), "png", images.resolve("cat/a.png").toFile());
    ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), "jpeg", images.resolve("dog/b.jpg").toFile());
    Files.writeString(images.resolve("dog/.DS_Store"), "junk");
    Map<String, Row> rows = imported(spark, CorpusKind.IMAGE, "import", "image-dir", images.toString(), dir.resolve("img-out").toString());
    assertThat(rows.keySet()).containsExactlyInAnyOrder("cat/a.png", "dog/b.jpg");
    assertThat(rows.get("dog/b.jpg").<String>getAs("label")).isEqualTo("dog");

    Path texts = dir.resolve("news");
    Files.createDirectories(texts.resolve("rec.sport"));
    Files.createDirectories(texts.resolve("sci.space"));
    Files.writeString(texts.resolve("rec.sport/101"), "Tor für Köln", StandardCharsets.UTF_8);
    Files.write(texts.resolve("sci.space/202"), "Orbit à Paris".getBytes(StandardCharsets.ISO_8859_1));
    Map<String, Row> docs = imported(spark, CorpusKind.TEXT, "import", "text-dir", texts.toString(), dir.resolve("txt-out").toString());
    assertThat(docs.get("rec.sport/101").<String>getAs("text")).isEqualTo("Tor für Köln");
    assertThat(docs.get("sci.space/202").<String>getAs("text")).isEqualTo("Orbit à Paris");
    assertThat(docs.get("sci.space/202").<String>getAs("label")).isEqualTo("sci.space");
  }

  @Test
  void jsonLinesWithNamedFieldsAndBadLines(SparkSession spark) throws Exception {
    Path src = dir.resolve("docs.jsonl");
    Files.writeString(src, "{\"key\": 1, \"body\": \"first text\", \"topic\": \"a\"}\n{\"key\": 2, \"body\": \"second\", \"topic\": \"b\"}\n");
    Map<String, Row> rows = imported(spark, CorpusKind.TEXT, "import", "jsonl", src.toString(), dir.resolve("out").toString(),
        "--text-field", "body", "--id-field", "key", "--label-field", "topic");
    assertThat(rows.get("2").<String>getAs("text")).isEqualTo("second");
    assertThat(rows.get("1").<String>getAs("label")).isEqualTo("a");

    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"text\": \"ok\"}\nnot json at all\n{\"text\": \"fine\"}\n");
    CliErrorsTest.Outcome r = CliErrorsTest.cli("import", "jsonl", bad.toString(), dir.resolve("bad-out").toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("1 lines", "not json at all");
    assertThat(dir.resolve("bad-out")).doesNotExist();
  }

  @Test
  void anExistingDestinationIsKeptUnlessOverwriteIsGiven(SparkSession spark) throws Exception {
    Path src = dir.resolve("docs.jsonl");
    Files.writeString(src, "{\"text\": \"one\"}\n");
    String dest = dir.resolve("out").toString();
    assertThat(CliErrorsTest.cli("import", "jsonl", src.toString(), dest).exitCode()).isZero();
    CliErrorsTest.Outcome again = CliErrorsTest.cli("import", "jsonl", src.toString(), dest);
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already exists", "--overwrite");
    Files.writeString(src, "{\"text\": \"one\"}\n{\"text\": \"two\"}\n");
    assertThat(CliErrorsTest.cli("import", "jsonl", src.toString(), dest, "--overwrite").exitCode()).isZero();
    assertThat(spark.read().parquet(dest).count()).isEqualTo(2);
    assertThat(CliErrorsTest.cli("import", "tarball", src.toString(), dest).err()).contains("mnist-idx, cifar10");
  }

  private static int pixel(int image, int index) {
    return (image * 37 + index * 11) % 256;
  }

  private static void writeIdx(Path images, Path labels, boolean gzip, int count) throws Exception {
    try (DataOutputStream img = new DataOutputStream(open(images, gzip)); DataOutputStream lab = new DataOutputStream(open(labels, gzip))) {
      img.writeInt(0x00000803);
      img.writeInt(count);
      img.writeInt(4);
      img.writeInt(5);
      lab.writeInt(0x00000801);
      lab.writeInt(count);
      for (int i = 0; i < count; i++) {
        for (int p = 0; p < 20; p++) {
          img.writeByte(pixel(i, p));
        }
        lab.writeByte(i);
      }
    }
  }

  private static OutputStream open(Path file, boolean gzip) throws Exception {
    OutputStream out = Files.newOutputStream(file);
    return gzip ? new GZIPOutputStream(out) : out;
  }

  private static void writeCifar(Path file, int count) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < count; i++) {
        out.write(i);
        for (int plane : new int[] {i, 100, 200}) {
          for (int p = 0; p < 1024; p++) {
            out.write(plane);
          }
        }
      }
    }
  }
}
