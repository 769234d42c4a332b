package io.cachemesh.sidecar.shared;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authenticated wrapper around every payload stored in the shared tier. Version 1, big-endian:
 *
 * <pre>
 * offset      size  field
 * 0           4     magic "CMSE"
 * 4           1     format version (1)
 * 5           2     P: length of the policy id (u16, at most 512)
 * 7           P     policy id, UTF-8 "namespace/name"
 * 7+P         32    SHA-256 of the engine's entry key (the raw key is never stored)
 * 39+P        8     issued-at, epoch millis
 * 47+P        4     N: payload length (u32, at most the configured maximum)
 * 51+P        N     payload: the engine's encoded entry, opaque here
 * 51+P+N      32    HMAC-SHA256 under the Secret's hmacKey over bytes [0, 51+P+N)
 * </pre>
 *
 * Reading checks the structure and bounds before allocating, then the HMAC (constant time), then
 * that policy and key are the ones asked for, so an entry copied under another key or written by
 * another policy is refused even when its HMAC is valid.
 */
public final class EntryEnvelope {
  public static final int VERSION = 1;
  public static final int MAX_POLICY_ID_BYTES = 512;
  static final byte[] MAGIC = {'C', 'M', 'S', 'E'};
  static final int KEY_HASH_BYTES = 32;
  static final int MAC_BYTES = 32;
  static final int FIXED_BYTES = 4 + 1 + 2 + KEY_HASH_BYTES + 8 + 4 + MAC_BYTES;

  /** Why an envelope was refused; the metric tag is the lower-case name. */
  public enum Rejection { TRUNCATED, MAGIC, VERSION, LENGTH, TOO_LARGE, HMAC, POLICY, KEY }

  /** The outcome of {@link #open}: exactly one of payload or rejection. */
  public sealed interface Opened {}

  public record Valid(long issuedAtMillis, byte[] payload) implements Opened {}

  public record Rejected(Rejection reason) implements Opened {}

  private final SecretKeySpec key;
  private final int maxPayloadBytes;

  public EntryEnvelope(byte[] hmacKey, int maxPayloadBytes) {
    if (hmacKey.length == 0) {
      throw new IllegalArgumentException("hmacKey: is empty");
    }
    if (maxPayloadBytes < 0) {
      throw new IllegalArgumentException("maxPayloadBytes: is negative");
    }
    this.key = new SecretKeySpec(hmacKey.clone(), "HmacSHA256");
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public byte[] seal(String policyId, String entryKey, long issuedAtMillis, byte[] payload) {
    byte[] policy = policyId.getBytes(StandardCharsets.UTF_8);
    if (policy.length > MAX_POLICY_ID_BYTES) {
      throw new IllegalArgumentException("policyId: longer than " + MAX_POLICY_ID_BYTES + " bytes");
    }
    if (payload.length > maxPayloadBytes) {
      throw new IllegalArgumentException("payload: " + payload.length + " bytes is over the maximum " + maxPayloadBytes);
    }
    ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + policy.length + payload.length);
    out.put(MAGIC).put((byte) VERSION).putShort((short) policy.length).put(policy)
        .put(keyHash(entryKey)).putLong(issuedAtMillis).putInt(payload.length).put(payload);
    Mac mac = mac();
    mac.update(out.array(), 0, out.position());
    out.put(mac.doFinal());
    return out.array();
  }

  /** Never throws on any input. */
  public Opened open(byte[] bytes, String policyId, String entryKey) {
    if (bytes == null || bytes.length < FIXED_BYTES) {
      return new Rejected(Rejection.TRUNCATED);
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return new Rejected(Rejection.MAGIC);
      }
    }
    if (bytes[4] != VERSION) {
      return new Rejected(Rejection.VERSION);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int policyLength = Short.toUnsignedInt(in.getShort(5));
    if (policyLength > MAX_POLICY_ID_BYTES) {
      return new Rejected(Rejection.LENGTH);
    }
    if (bytes.length < FIXED_BYTES + policyLength) {
      return new Rejected(Rejection.TRUNCATED);
    }
    int lengthOffset = 7 + policyLength + KEY_HASH_BYTES + 8;
    long payloadLength = Integer.toUnsignedLong(in.getInt(lengthOffset));
    if (payloadLength > maxPayloadBytes) {
      return new Rejected(Rejection.TOO_LARGE);
    }
    long expected = FIXED_BYTES + policyLength + payloadLength;
    if (bytes.length < expected) {
      return new Rejected(Rejection.TRUNCATED);
    }
    if (bytes.length > expected) {
      return new Rejected(Rejection.LENGTH);
    }
    int macOffset = bytes.length - MAC_BYTES;
    Mac mac = mac();
    mac.update(bytes, 0, macOffset);
    byte[] computed = mac.doFinal();
    byte[] stored = new byte[MAC_BYTES];
    System.arraycopy(bytes, macOffset, stored, 0, MAC_BYTES);
    if (!MessageDigest.isEqual(computed, stored)) {
      return new Rejected(Rejection.HMAC);
    }
    byte[] policy = policyId.getBytes(StandardCharsets.UTF_8);
    if (policy.length != policyLength || !MessageDigest.isEqual(policy, slice(bytes, 7, policyLength))) {
      return new Rejected(Rejection.POLICY);
    }
    if (!MessageDigest.isEqual(keyHash(entryKey), slice(bytes, 7 + policyLength, KEY_HASH_BYTES))) {
      return new Rejected(Rejection.KEY);
    }
    long issuedAt = in.getLong(7 + policyLength + KEY_HASH_BYTES);
    return new Valid(issuedAt, slice(bytes, lengthOffset + 4, (int) payloadLength));
  }

  /** SHA-256 of the engine's key: what the envelope binds and what the Redis key is derived from. */
  public static byte[] keyHash(String entryKey) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(entryKey.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] slice(byte[] bytes, int offset, int length) {
    byte[] out = new byte[length];
    System.arraycopy(bytes, offset, out, 0, length);
    return out;
  }
}
