package io.cachemesh.sidecar.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How identity values (Authorization, cookie values) enter keys: SHA-256, first 128 bits, hex. Never raw. */
public final class IdentityHash {
  private static final HexFormat HEX = HexFormat.of();

  private IdentityHash() {}

  public static String of(String value) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
