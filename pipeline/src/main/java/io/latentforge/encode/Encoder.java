package io.latentforge.encode;

import io.latentforge.model.CodeLayer;
import io.latentforge.model.NetworkFormat;
import io.latentforge.schema.Columns;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes featurized rows with a trained autoencoder, in batches per partition. The model is
 * broadcast once and deserialized once per executor JVM (cached by model id), not per row or task.
 */
public final class Encoder {

  private static final Logger LOG = LoggerFactory.getLogger(Encoder.class);
  /** Few models per JVM at a time (tonight's, or one per validated epoch): the least recently used go. */
  private static final int CACHED_MODELS = 3;
  private static final Map<String, MultiLayerNetwork> LOADED = Collections.synchronizedMap(lru());
  private static final AtomicInteger LOADS = new AtomicInteger();
  /** A network is not safe for concurrent use: each task thread gets its own copy of the loaded one. */
  private static final ThreadLocal<Map<String, MultiLayerNetwork>> PER_THREAD = ThreadLocal.withInitial(Encoder::lru);

  private Encoder() {}

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(8, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > CACHED_MODELS;
      }
    };
  }

  /**
   * The code table's columns, in order; {@code code_bits} only for binary codes, {@code label} only
   * when the input has one.
   */
  public static StructType schema(StructType features, boolean binary) {
    StructType out = new StructType()
        .add(Columns.ID, DataTypes.StringType, false)
        .add(Columns.CODE, DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add(Columns.MODEL_ID, DataTypes.StringType, false)
        .add(Columns.RECON_ERROR, DataTypes.FloatType, false);
    if (binary) {
      out = out.add(Columns.CODE_BITS, DataTypes.BinaryType, false);
    }
    if (hasLabel(features)) {
      out = out.add(features.apply(Columns.LABEL));
    }
    return out;
  }

  /**
   * @param features rows {@code id, features[, label]}
   * @param code where the code is in the network, and whether to pack it into bits
   * @param batchSize rows per forward pass
   */
  public static Dataset<Row> encode(SparkSession spark, Dataset<Row> features, MultiLayerNetwork network,
      String modelId, CodeLayer code, int inputSize, int batchSize) {
    Broadcast<byte[]> model = broadcast(spark, network);
    StructType schema = schema(features.schema(), code.binary());
    boolean label = hasLabel(features.schema());
    Dataset<Row> input = label
        ? features.select(Columns.ID, Columns.FEATURES, Columns.LABEL)
        : features.select(Columns.ID, Columns.FEATURES);
    return input.mapPartitions(new EncodePartition(new EncodeTask(model, modelId, code, inputSize, label, batchSize)),
        Encoders.row(schema));
  }

  static boolean hasLabel(StructType schema) {
    return Arrays.asList(schema.fieldNames()).contains(Columns.LABEL);
  }

  /**
   * The network's configuration (JSON) and parameters ({@link NetworkFormat}), sent to each
   * executor once; {@link #network} turns them into a model there.
   */
  static Broadcast<byte[]> broadcast(SparkSession spark, MultiLayerNetwork network) {
    return spark.sparkContext().broadcast(NetworkFormat.bytes(network), scala.reflect.ClassTag$.MODULE$.apply(byte[].class));
  }

  /** How many times this JVM deserialized a model: once per model, however many tasks ran. */
  public static int loadsInThisJvm() {
    return LOADS.get();
  }

  static MultiLayerNetwork load(String modelId, Broadcast<byte[]> model) {
    synchronized (LOADED) { // one deserialization per model, however many tasks ask at once
      return LOADED.computeIfAbsent(key(modelId, model), id -> {
        LOG.info("loading model {} in this JVM (model loads in this JVM: {})", modelId, LOADS.incrementAndGet());
        return NetworkFormat.fromBytes(model.value(), "the broadcast of model " + modelId);
      });
    }
  }

  /** This task thread's own copy of the JVM's loaded model. */
  static MultiLayerNetwork network(String modelId, Broadcast<byte[]> model) {
    return PER_THREAD.get().computeIfAbsent(key(modelId, model), id -> load(modelId, model).clone());
  }

  /**
   * Cached networks are keyed by the broadcast too: a date rerun in the same JVM with retrained
   * weights keeps its model id, and must not be encoded with the weights of the earlier run.
   */
  private static String key(String modelId, Broadcast<byte[]> model) {
    return modelId + "#" + model.id();
  }

  static final class EncodePartition implements MapPartitionsFunction<Row, Row> {
    private final EncodeTask task;

    EncodePartition(EncodeTask task) {
      this.task = task;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new BatchingIterator<Row, Row>(rows, task) {
        @Override
        void consume(Row row) {
          add(row.getString(0), task.label() ? row.get(2) : null, (Vector) row.get(1));
        }

        @Override
        Row codeRow(Object id, Object label, BatchForward.Result batch, int i) {
          return RowFactory.create(codeValues(id, batch.code(i), task.modelId(), batch, i, label));
        }
      };
    }
  }
}
