package io.latentforge.model;

import java.io.Serializable;

/**
 * Where the code is read from a trained network: the index of the layer whose activations are the
 * code, and whether those activations are thresholded into packed bits for {@code code_bits}.
 */
public record CodeLayer(int index, boolean binary) implements Serializable {

  /** Bits set where a code value is at least 0.5, packed eight to a byte, first value in the high bit. */
  public static byte[] packBits(float[] code, int from, int length) {
    byte[] bits = new byte[(length + 7) / 8];
    for (int i = 0; i < length; i++) {
      if (code[from + i] >= 0.5f) {
        bits[i >> 3] |= (byte) mask(i);
      }
    }
    return bits;
  }

  /** Whether code value {@code i} is set in bits packed by {@link #packBits}. */
  public static boolean isSet(byte[] bits, int i) {
    return (bits[i >> 3] & mask(i)) != 0;
  }

  private static int mask(int i) {
    return 0x80 >>> (i & 7);
  }
}
