package io.latentforge.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network as data only: its configuration as DL4J's JSON, then its flattened parameters and
 * (optionally) its updater state as raw little-endian values. Reading it parses JSON and copies
 * numbers; nothing is deserialized as Java objects (DL4J's ModelSerializer runs
 * {@code ObjectInputStream.readObject} on entries of its zip, so a file from an untrusted writer
 * could run code). The iteration and epoch counts the updater's bias correction needs are part
 * of the configuration JSON.
 *
 * <pre>
 *   UTF "latentforge-network", int version,
 *   int n, n bytes of configuration JSON (UTF-8),
 *   array: parameters, boolean: updater state follows, [array: updater state]
 *   array = UTF data type name, int byte count, that many bytes (little-endian values)
 * </pre>
 */
public final class NetworkFormat {

  static final String MAGIC = "latentforge-network";
  static final int VERSION = 1;

  private NetworkFormat() {}

  public static void write(MultiLayerNetwork network, boolean withUpdater, OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeUTF(MAGIC);
    out.writeInt(VERSION);
    byte[] configuration = network.getLayerWiseConfigurations().toJson().getBytes(StandardCharsets.UTF_8);
    out.writeInt(configuration.length);
    out.write(configuration);
    writeArray(network.params(), out);
    INDArray state = withUpdater && network.getUpdater() != null ? network.getUpdater().getStateViewArray() : null;
    out.writeBoolean(state != null);
    if (state != null) {
      writeArray(state, out);
    }
    out.flush();
  }

  /**
   * The network {@link #write} wrote, with its updater state when {@code withUpdater} and it was
   * written; fails with an {@link IOException} naming {@code where} when the bytes are not such a
   * network.
   */
  public static MultiLayerNetwork read(InputStream stream, boolean withUpdater, String where) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    String magic;
    try {
      magic = in.readUTF();
    } catch (IOException e) {
      magic = null;
    }
    if (!MAGIC.equals(magic)) {
      throw new IOException(where + " is not a network latentforge wrote (no \"" + MAGIC + "\" header)");
    }
    int version = in.readInt();
    if (version > VERSION) {
      throw new IOException(where + " has network format " + version + ", newer than the " + VERSION
          + " this version of latentforge reads");
    }
    byte[] configuration = new byte[in.readInt()];
    in.readFully(configuration);
    MultiLayerNetwork network = new MultiLayerNetwork(
        MultiLayerConfiguration.fromJson(new String(configuration, StandardCharsets.UTF_8)));
    network.init(readArray(in), false);
    if (in.readBoolean()) {
      INDArray state = readArray(in);
      if (withUpdater) {
        network.getUpdater().setStateViewArray(network, state, false);
      }
    }
    return network;
  }

  /** The network (no updater state) as bytes, e.g. for a broadcast. */
  public static byte[] bytes(MultiLayerNetwork network) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      write(network, false, bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MultiLayerNetwork fromBytes(byte[] bytes, String where) {
    try {
      return read(new ByteArrayInputStream(bytes), false, where);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Raw values, one bulk copy: Nd4j.write and Nd4j.read go a value at a time through a
   * DataInputStream, which took most of the 35 ms an executor spent loading the default model.
   */
  private static void writeArray(INDArray array, DataOutputStream out) throws IOException {
    DataType type = array.dataType();
    if (type != DataType.FLOAT && type != DataType.DOUBLE) {
      array = array.castTo(DataType.DOUBLE);
      type = DataType.DOUBLE;
    }
    out.writeUTF(type.name());
    ByteBuffer values = ByteBuffer.allocate((int) (array.length() * type.width())).order(ByteOrder.LITTLE_ENDIAN);
    INDArray dense = array.dup('c');
    if (type == DataType.FLOAT) {
      values.asFloatBuffer().put(dense.data().asFloat());
    } else {
      values.asDoubleBuffer().put(dense.data().asDouble());
    }
    out.writeInt(values.capacity());
    out.write(values.array());
  }

  private static INDArray readArray(DataInputStream in) throws IOException {
    DataType type = DataType.valueOf(in.readUTF());
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    ByteBuffer values = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (type == DataType.FLOAT) {
      float[] floats = new float[bytes.length / Float.BYTES];
      values.asFloatBuffer().get(floats);
      return Nd4j.create(floats, new long[] {1, floats.length}, 'c');
    }
    if (type == DataType.DOUBLE) {
      double[] doubles = new double[bytes.length / Double.BYTES];
      values.asDoubleBuffer().get(doubles);
      return Nd4j.create(doubles, new long[] {1, doubles.length}, 'c');
    }
    throw new IOException("unexpected array type " + type);
  }
}
