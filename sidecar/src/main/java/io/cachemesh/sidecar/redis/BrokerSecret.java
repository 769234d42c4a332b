package io.cachemesh.sidecar.redis;

import io.cachemesh.redis.RedisEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The broker connection and the shared-tier HMAC key, as mounted from the policy's Secret (files
 * {@code url}, {@code username}, {@code password}, {@code ca.crt}, {@code hmacKey}) or given to a
 * standalone sidecar by environment variables ({@link #fromEnvironment}).
 *
 * <p>{@code hmacKey} is taken as raw bytes of the file (trailing newline removed), or decoded when
 * it is written as {@code base64:<text>}; it must be at least {@value #MIN_HMAC_KEY_BYTES} bytes.
 */
public record BrokerSecret(RedisEndpoint endpoint, byte[] hmacKey) {
  public static final int MIN_HMAC_KEY_BYTES = 16;
  public static final String ENV_URL = "CACHEMESH_REDIS_URL";
  public static final String ENV_USERNAME = "CACHEMESH_REDIS_USERNAME";
  public static final String ENV_PASSWORD = "CACHEMESH_REDIS_PASSWORD";
  public static final String ENV_CA_FILE = "CACHEMESH_REDIS_CA_FILE";
  public static final String ENV_HMAC_KEY = "CACHEMESH_REDIS_HMAC_KEY";

  public BrokerSecret {
    hmacKey = hmacKey.clone();
    if (hmacKey.length < MIN_HMAC_KEY_BYTES) {
      throw new IllegalArgumentException("hmacKey: must be at least " + MIN_HMAC_KEY_BYTES + " bytes, is " + hmacKey.length);
    }
  }

  @Override
  public byte[] hmacKey() {
    return hmacKey.clone();
  }

  /** Reads the mounted Secret directory. @throws IllegalArgumentException naming the missing or bad file */
  public static BrokerSecret read(Path directory) {
    Path version = currentVersion(directory);
    String url = readText(version, "url", true);
    String username = readText(version, "username", false);
    String password = readText(version, "password", false);
    // The CA keeps the stable path: the TLS client re-reads it on reconnect, after old versions are gone.
    Path ca = directory.resolve("ca.crt");
    String hmac = readText(version, "hmacKey", true);
    RedisEndpoint endpoint = RedisEndpoint.parse(url, username, password, Files.isRegularFile(ca) ? ca : null);
    return new BrokerSecret(endpoint, hmacKeyBytes(hmac));
  }

  /** For a standalone sidecar: {@value #ENV_URL}, {@value #ENV_HMAC_KEY} and the optional others. */
  public static BrokerSecret fromEnvironment(Map<String, String> env) {
    String url = env.get(ENV_URL);
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(ENV_URL + ": is not set");
    }
    String hmac = env.get(ENV_HMAC_KEY);
    if (hmac == null || hmac.isEmpty()) {
      throw new IllegalArgumentException(ENV_HMAC_KEY + ": is not set (the shared tier needs a key to authenticate entries)");
    }
    String ca = env.get(ENV_CA_FILE);
    Path caFile = ca == null || ca.isBlank() ? null : Path.of(ca);
    if (caFile != null && !Files.isReadable(caFile)) {
      throw new IllegalArgumentException(ENV_CA_FILE + ": '" + ca + "' is not a readable file");
    }
    RedisEndpoint endpoint = RedisEndpoint.parse(url, env.get(ENV_USERNAME), env.get(ENV_PASSWORD), caFile);
    return new BrokerSecret(endpoint, hmacKeyBytes(hmac));
  }

  private static byte[] hmacKeyBytes(String text) {
    String trimmed = text.strip();
    if (trimmed.startsWith("base64:")) {
      try {
        return Base64.getDecoder().decode(trimmed.substring("base64:".length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("hmacKey: is not valid base64 after 'base64:'");
      }
    }
    return trimmed.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The directory the kubelet's {@code ..data} link points to now, so that every file comes from one
   * version: read through the per-file links, a rotation between two reads would pair the old url
   * with the new key. A directory without that link (not a Secret volume) is read as it is.
   */
  private static Path currentVersion(Path directory) {
    Path data = directory.resolve("..data");
    if (!Files.isSymbolicLink(data)) {
      return directory;
    }
    try {
      return data.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("..data: cannot be resolved: " + e.getMessage());
    }
  }

  private static String readText(Path directory, String name, boolean required) {
    Path file = directory.resolve(name);
    if (!Files.isRegularFile(file)) {
      if (required) {
        throw new IllegalArgumentException(name + ": missing from the broker Secret (" + file + ")");
      }
      return null;
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    } catch (IOException e) {
      throw new IllegalArgumentException(name + ": cannot be read: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BrokerSecret that && endpoint.equals(that.endpoint) && Arrays.equals(hmacKey, that.hmacKey);
  }

  @Override
  public int hashCode() {
    return endpoint.hashCode() * 31 + Arrays.hashCode(hmacKey);
  }

  @Override
  public String toString() {
    return "BrokerSecret[endpoint=" + endpoint + ", hmacKey=***]";
  }
}
