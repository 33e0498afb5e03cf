package io.latentforge.jobs.demo;

import io.latentforge.features.image.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small labelled corpora generated in code, in the input contract: 28x28 grayscale PNG shapes of
 * five classes (jittered in position, size and stroke, with pixel noise), and documents drawn
 * from four topic vocabularies mixed with general words. Deterministic for a seed.
 */
public final class DemoCorpora {

  public static final List<String> SHAPES = List.of("ring", "square", "cross", "stripes", "triangle");
  public static final int IMAGE_SIZE = 28;

  public static final List<String> TOPICS = List.of("networking", "cooking", "astronomy", "finance");
  private static final String[][] TOPIC_WORDS = {
      {"packet", "router", "protocol", "latency", "bandwidth", "ethernet", "socket", "tcp", "firewall", "switch",
          "gateway", "subnet", "dns", "routing", "throughput", "wireless", "frame", "handshake", "proxy", "vlan"},
      {"oven", "recipe", "butter", "garlic", "simmer", "flour", "sauce", "onion", "bake", "roast", "pepper",
          "salt", "dough", "kitchen", "saute", "broth", "herbs", "whisk", "skillet", "caramel"},
      {"galaxy", "telescope", "orbit", "planet", "nebula", "comet", "asteroid", "stellar", "supernova", "gravity",
          "spectrum", "moon", "eclipse", "cosmic", "quasar", "satellite", "redshift", "pulsar", "meteor", "solar"},
      {"interest", "equity", "bond", "dividend", "portfolio", "inflation", "stock", "market", "loan", "credit",
          "investor", "yield", "hedge", "capital", "revenue", "mortgage", "asset", "liquidity", "tax", "budget"}};
  private static final String[] GENERAL_WORDS = {"people", "time", "year", "way", "day", "thing", "world", "life",
      "part", "place", "case", "week", "system", "group", "number", "point", "work", "fact", "hand", "problem",
      "good", "new", "first", "last", "long", "great", "little", "own", "old", "right", "big", "high", "small",
      "large", "next", "early", "young", "important", "public", "able"};

  private DemoCorpora() {}

  /** {@code id} string, {@code image} PNG bytes, {@code label} string (the shape). */
  public static Dataset<Row> images(SparkSession spark, int rows, long seed) {
    Random random = new Random(seed);
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int shape = i % SHAPES.size();
      out.add(RowFactory.create(String.format("img-%06d", i), png(drawShape(shape, random)), SHAPES.get(shape)));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.StringType, false)
        .add("image", DataTypes.BinaryType, false)
        .add("label", DataTypes.StringType, false);
    return spark.createDataFrame(out, schema);
  }

  /** {@code id} string, {@code text} string, {@code label} string (the topic). */
  public static Dataset<Row> documents(SparkSession spark, int rows, long seed) {
    Random random = new Random(seed);
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int topic = i % TOPICS.size();
      out.add(RowFactory.create(String.format("doc-%06d", i), document(topic, random), TOPICS.get(topic)));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.StringType, false)
        .add("text", DataTypes.StringType, false)
        .add("label", DataTypes.StringType, false);
    return spark.createDataFrame(out, schema);
  }

  static String document(int topic, Random random) {
    int length = 30 + random.nextInt(60);
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < length; w++) {
      String[] words = random.nextDouble() < 0.6 ? TOPIC_WORDS[topic] : GENERAL_WORDS;
      // Squaring skews the choice towards the first words, as word frequencies are skewed.
      int pick = (int) (Math.pow(random.nextDouble(), 2) * words.length);
      text.append(w == 0 ? "" : random.nextInt(12) == 0 ? ". " : " ").append(words[pick]);
    }
    return text.append('.').toString();
  }

  static BufferedImage drawShape(int shape, Random random) {
    BufferedImage image = new BufferedImage(IMAGE_SIZE, IMAGE_SIZE, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.setStroke(new BasicStroke(1.5f + random.nextFloat() * 1.5f));
      int cx = 14 + random.nextInt(7) - 3;
      int cy = 14 + random.nextInt(7) - 3;
      int r = 6 + random.nextInt(4);
      switch (shape) {
        case 0 -> g.drawOval(cx - r, cy - r, 2 * r, 2 * r);
        case 1 -> g.fillRect(cx - r + 1, cy - r + 1, 2 * r - 2, 2 * r - 2);
        case 2 -> {
          g.drawLine(cx - r, cy - r, cx + r, cy + r);
          g.drawLine(cx - r, cy + r, cx + r, cy - r);
        }
        case 3 -> {
          for (int y = cy - r; y <= cy + r; y += 4) {
            g.drawLine(cx - r, y, cx + r, y);
          }
        }
        default -> g.fillPolygon(new Polygon(new int[] {cx, cx - r, cx + r}, new int[] {cy - r, cy + r, cy + r}, 3));
      }
    } finally {
      g.dispose();
    }
    addNoise(image, random);
    return image;
  }

  private static void addNoise(BufferedImage image, Random random) {
    var raster = image.getRaster();
    for (int y = 0; y < IMAGE_SIZE; y++) {
      for (int x = 0; x < IMAGE_SIZE; x++) {
        int v = raster.getSample(x, y, 0) + (int) Math.round(random.nextGaussian() * 12);
        raster.setSample(x, y, 0, Math.max(0, Math.min(255, v)));
      }
    }
  }

  static byte[] png(BufferedImage image) {
    return Png.encode(image);
  }
}
