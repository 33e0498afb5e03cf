package io.latentforge.model;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The optional key models are signed with: an HMAC-SHA256 of {@code model.json}, which holds the
 * SHA-256 of every other file of the model, stored beside it as {@code model.sig}. With a key set,
 * a model is loaded only when its signature matches, so whoever can write the model directory but
 * does not have the key cannot substitute a model. The key comes from the environment variable
 * {@value #ENVIRONMENT} only, never from a config file (which is copied into every model card).
 */
public final class ModelSigning {

  public static final String ENVIRONMENT = "LATENTFORGE_MODEL_SIGNING_KEY";
  public static final ModelSigning NONE = new ModelSigning(null);

  private final byte[] key;

  private ModelSigning(byte[] key) {
    this.key = key;
  }

  /** The key of {@value #ENVIRONMENT}, or none when it is unset or empty. */
  public static ModelSigning fromEnvironment() {
    String value = System.getenv(ENVIRONMENT);
    return value == null || value.isEmpty() ? NONE : withKey(value);
  }

  public static ModelSigning withKey(String key) {
    return new ModelSigning(key.getBytes(StandardCharsets.UTF_8));
  }

  public boolean enabled() {
    return key != null;
  }

  /** The signature (hex) of {@code content}; only with a key. */
  public String sign(byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(content));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code signature} is that of {@code content}, compared in constant time. */
  public boolean verifies(byte[] content, String signature) {
    return signature != null && MessageDigest.isEqual(sign(content).getBytes(StandardCharsets.US_ASCII),
        signature.strip().getBytes(StandardCharsets.US_ASCII));
  }
}
