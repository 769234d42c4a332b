package io.cachemesh.api.compiled;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash of a compiled config: SHA-256 of its canonical JSON (properties sorted, hash
 * field empty), first 16 hex digits. Stable across processes and JVMs; any semantic change changes it.
 */
public final class ConfigHash {
  private ConfigHash() {}

  public static String of(CompiledConfig config) {
    try {
      byte[] canonical = ConfigJson.CANONICAL.writeValueAsBytes(config.withHash(null));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash a compiled config", e);
    }
  }

  public static CompiledConfig stamp(CompiledConfig config) {
    return config.withHash(of(config));
  }
}
