package io.latentforge.encode;

import static org.apache.spark.sql.functions.avg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.latentforge.config.ConfigLoader;
import io.latentforge.config.ImageFeatures;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.config.ModelSpec;
import io.latentforge.features.image.ImageDecoder;
import io.latentforge.features.image.ImageDecoderTest;
import io.latentforge.features.image.ImageFeaturizer;
import io.latentforge.features.image.Standardization;
import io.latentforge.input.CorpusSource;
import io.latentforge.input.Quarantine;
import io.latentforge.model.Autoencoder;
import io.latentforge.model.CodeLayer;
import io.latentforge.parquet.TableRows;
import io.latentforge.testing.CodeTolerance;
import io.latentforge.testing.SparkSessionExtension;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding inside the encoding tasks must give exactly what featurizing first and encoding the
 * features gives: the same code rows, the same rejects, the same mean-input baseline.
 */
@ExtendWith(SparkSessionExtension.class)
class ImageCorpusEncoderTest {

  private static final ImageFeatures SPEC = new ImageFeatures(8, 8, 1);
  private static final long MAX_PIXELS = 5_000;

  @TempDir
  Path dir;

  @Test
  void codesRejectsAndBaselineEqualFeaturizingThenEncoding(SparkSession spark) throws Exception {
    Dataset<Row> corpus = CorpusSource.checkIds(corpus(spark)).repartition(3);
    LatentforgeConfig config = ConfigLoader.load(null,
        List.of("model.encoder-layers=[6]", "model.code-size=5", "model.binary-codes=true"));
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, SPEC.size(), null,
        config.train());
    MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration());
    network.init();
    CodeLayer code = architecture.code();
    Standardization standardization = new Standardization(new double[] {0.4}, new double[] {0.25});

    Quarantine.Split reference = ImageFeaturizer.featurize(corpus, SPEC, MAX_PIXELS);
    String out = dir.resolve("out").toString();
    EncodedCorpus encoded = new ImageCorpusEncoder(spark, corpus,
        new ImageCorpusEncoder.Featurizer(new ImageDecoder(SPEC, MAX_PIXELS), standardization))
        .encode(new ModelToEncode(network, "m", code, 4), out);
    try {
      assertThat(encoded.codes()).isEqualTo(new TableRows.Written(out + "/codes", Encoder.schema(corpus.schema(), true)));
      assertThat(encoded.rejects()).isEqualTo(new TableRows.Written(out + "/rejects", Quarantine.REJECTS));
      Dataset<Row> codes = spark.read().parquet(out + "/codes");
      Dataset<Row> rejects = spark.read().parquet(out + "/rejects");
      Dataset<Row> features = standardization.apply(reference.accepted());
      Dataset<Row> expected = Encoder.encode(spark, features, network, "m", code, SPEC.size(), 4);
      assertThat(codes.columns()).containsExactly(expected.columns());
      assertThat(codes.columns()).contains("code_bits", "label");
      Map<String, Row> expectedById = byId(expected.collectAsList());
      Map<String, Row> actualById = byId(codes.collectAsList());
      assertThat(actualById).hasSize(40).containsOnlyKeys(expectedById.keySet());
      actualById.forEach((id, actual) -> {
        Row want = expectedById.get(id);
        CodeTolerance.assertSameCode(id, actual.getList(1), want.getList(1));
        assertThat(actual.getString(2)).isEqualTo("m");
        assertThat(actual.getFloat(3)).isCloseTo(want.getFloat(3), within(1e-5f));
        assertThat((byte[]) actual.get(4)).containsExactly((byte[]) want.get(4));
        assertThat(actual.getInt(5)).isEqualTo(want.getInt(5));
      });

      assertThat(rejects.collectAsList().stream().map(Row::toString))
          .containsExactlyInAnyOrderElementsOf(reference.rejects().collectAsList().stream().map(Row::toString).toList());
      assertThat(rejects.collectAsList()).extracting(r -> r.getString(1)).containsExactlyInAnyOrder(
          "null_image", "null_id", "undecodable_image", "undecodable_image", "duplicate_id", "image_too_large");
      assertThat(encoded.counts()).isEqualTo(new RowCounts(46, 40, Map.of("null_image", 1L, "null_id", 1L,
          "undecodable_image", 2L, "duplicate_id", 1L, "image_too_large", 1L)));
      assertThat(encoded.counts()).as("as the features' encoder counts").isEqualTo(RowCounts.of(reference));
      assertThat(encoded.meanReconError().getAsDouble()).isCloseTo(meanReconError(expected), within(1e-6));

      Dataset<Row> stats = spark.read().parquet(out + "/stats");
      assertThat(encoded.meanInputBaseline().getAsDouble())
          .isCloseTo(populationVarianceSum(features.select("features").collectAsList()), within(1e-9));
      assertThat(stats.count()).as("one statistics row per task").isEqualTo(3);
      try (Stream<Path> files = Files.walk(Path.of(out))) {
        assertThat(files.map(p -> p.getFileName().toString())).as("nothing left of the task attempts")
            .noneMatch(name -> name.startsWith("_temporary") || name.startsWith("attempt_"));
      }
    } finally {
      reference.release();
    }
  }

  private static double meanReconError(Dataset<Row> codes) {
    return codes.agg(avg("recon_error")).first().getDouble(0);
  }


  @Test
  void sparkImageSourceRowsAndUnlabelledCorporaEncodeLikeFeaturizingThenEncoding(SparkSession spark) throws Exception {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int size = i % 2 == 0 ? 8 : 10;
      byte[] pixels = new byte[size * size];
      random.nextBytes(pixels);
      rows.add(RowFactory.create("img-" + i, RowFactory.create(size, size, 1, pixels)));
    }
    StructType image = new StructType().add("height", DataTypes.IntegerType).add("width", DataTypes.IntegerType)
        .add("nChannels", DataTypes.IntegerType).add("data", DataTypes.BinaryType);
    Dataset<Row> corpus = CorpusSource.checkIds(spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.StringType).add(CorpusSource.CONTENT, image))).repartition(2);
    LatentforgeConfig config = ConfigLoader.load(null, List.of("model.encoder-layers=[6]", "model.code-size=3"));
    Autoencoder.Architecture architecture = Autoencoder.build(config.model(), ModelSpec.Loss.MSE, SPEC.size(), null,
        config.train());
    MultiLayerNetwork network = new MultiLayerNetwork(architecture.configuration());
    network.init();

    String out = dir.resolve("spark-images").toString();
    EncodedCorpus encoded = new ImageCorpusEncoder(spark, corpus,
        new ImageCorpusEncoder.Featurizer(new ImageDecoder(SPEC, MAX_PIXELS), null))
        .encode(new ModelToEncode(network, "m", architecture.code(), 3), out);
    Quarantine.Split reference = ImageFeaturizer.featurize(corpus, SPEC, MAX_PIXELS);
    try {
      Dataset<Row> expected = Encoder.encode(spark, reference.accepted(), network, "m", architecture.code(), SPEC.size(), 3);
      Dataset<Row> codes = spark.read().parquet(out + "/codes");
      assertThat(encoded.counts()).isEqualTo(new RowCounts(20, 20, Map.of()));
      assertThat(encoded.meanReconError().getAsDouble()).isCloseTo(meanReconError(expected), within(1e-6));
      assertThat(codes.columns()).containsExactly("id", "code", "model_id", "recon_error");
      Map<String, Row> want = byId(expected.collectAsList());
      Map<String, Row> got = byId(codes.collectAsList());
      assertThat(got).hasSize(20).containsOnlyKeys(want.keySet());
      got.forEach((id, actual) -> {
        assertThat(actual.getList(1)).hasSize(3);
        CodeTolerance.assertSameCode(id, actual.getList(1), want.get(id).getList(1));
        assertThat(actual.getFloat(3)).isCloseTo(want.get(id).getFloat(3), within(1e-5f));
      });
    } finally {
      reference.release();
    }
  }

  @Test
  void momentsMergedAcrossPartsEqualThoseOfAllRows() {
    Random random = new Random(3);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // A large common offset: sums of squares minus squared sums would lose the variance here.
      rows.add(random.doubles(7).map(v -> 1e6 + v).toArray());
    }
    FeatureMoments all = new FeatureMoments(7);
    FeatureMoments[] parts = {new FeatureMoments(7), new FeatureMoments(7), new FeatureMoments(7)};
    for (int i = 0; i < rows.size(); i++) {
      all.add(rows.get(i));
      parts[i < 5 ? 0 : i < 30 ? 1 : 2].add(rows.get(i));
    }
    FeatureMoments merged = FeatureMoments.none().merge(FeatureMoments.of(toList(parts[0].toArray())))
        .merge(FeatureMoments.of(toList(parts[1].toArray()))).merge(new FeatureMoments(7)).merge(parts[2]);
    double expected = 0;
    for (int f = 0; f < 7; f++) {
      double mean = 0;
      for (double[] r : rows) {
        mean += r[f] / rows.size();
      }
      for (double[] r : rows) {
        expected += (r[f] - mean) * (r[f] - mean) / rows.size();
      }
    }
    assertThat(expected).isBetween(7 / 12.0 * 0.5, 7 / 12.0 * 1.5);
    assertThat(all.populationVarianceSum()).isCloseTo(expected, within(1e-9));
    assertThat(merged.rows()).isEqualTo(50);
    assertThat(merged.populationVarianceSum()).isCloseTo(expected, within(1e-9));
  }

  private static List<Double> toList(double[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }

  private static Map<String, Row> byId(List<Row> rows) {
    return rows.stream().collect(Collectors.toMap(r -> r.getString(0), Function.identity()));
  }

  private static double populationVarianceSum(List<Row> features) {
    double[][] x = features.stream().map(r -> ((Vector) r.get(0)).toArray()).toArray(double[][]::new);
    double sum = 0;
    for (int f = 0; f < x[0].length; f++) {
      double mean = 0;
      for (double[] row : x) {
        mean += row[f] / x.length;
      }
      for (double[] row : x) {
        sum += (row[f] - mean) * (row[f] - mean) / x.length;
      }
    }
    return sum;
  }

  /** 40 good images of several sizes (some resized), and one row for every reject reason. */
  private static Dataset<Row> corpus(SparkSession spark) throws Exception {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int size = i % 3 == 0 ? 8 : 12;
      BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < size * size; p++) {
        image.getRaster().setSample(p % size, p / size, 0, random.nextInt(256));
      }
      rows.add(RowFactory.create("img-" + i, ImageDecoderTest.encode(image, "png"), i % 4));
    }
    byte[] png = (byte[]) rows.get(0).get(1);
    rows.add(RowFactory.create("no-image", null, 0));
    rows.add(RowFactory.create(null, png, 0));
    rows.add(RowFactory.create("garbage", new byte[] {1, 2, 3}, 0));
    rows.add(RowFactory.create("empty", new byte[0], 0));
    rows.add(RowFactory.create("img-0", png, 0));
    rows.add(RowFactory.create("huge", ImageDecoderTest.encode(new BufferedImage(80, 80, BufferedImage.TYPE_BYTE_GRAY), "png"), 0));
    StructType schema = new StructType().add("id", DataTypes.StringType).add(CorpusSource.CONTENT, DataTypes.BinaryType)
        .add("label", DataTypes.IntegerType);
    return spark.createDataFrame(rows, schema);
  }
}
