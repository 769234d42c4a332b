package io.cachemesh.operator.broker;

import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.redis.TrustedCa;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A broker Secret parsed, as the sidecar reads it: {@code url} (every form {@link RedisEndpoint}
 * takes: {@code redis://}, {@code rediss://}, {@code redis-cluster://}, {@code redis-sentinel://}),
 * optional {@code username} and {@code password} (they override the URL's user info), optional
 * {@code ca.crt} (PEM, trusted for TLS instead of the JVM's defaults). {@code hmacKey} is the
 * sidecars' business: the operator never reads or writes entries.
 *
 * @param ca null: the JVM's trust store
 */
public record BrokerSettings(RedisEndpoint endpoint, TrustedCa ca) {
  @Override
  public String toString() {
    // RedisEndpoint never prints the password.
    return endpoint.toString();
  }

  /**
   * @param data the Secret's data, base64-encoded as the API returns it
   * @param source the Secret ({@code namespace/name}), named in errors about {@code ca.crt}
   * @throws IllegalArgumentException naming the key and the reason
   */
  public static BrokerSettings fromSecretData(Map<String, String> data, String source) {
    Map<String, String> values = data == null ? Map.of() : data;
    String url = decode(values, "url");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("url: is required");
    }
    RedisEndpoint endpoint = RedisEndpoint.parse(url, decode(values, "username"), decode(values, "password"), null);
    String caPem = decode(values, "ca.crt");
    if (caPem != null && !endpoint.tls()) {
      throw new IllegalArgumentException("ca.crt: is given but url " + endpoint + " is not TLS (use rediss://)");
    }
    return new BrokerSettings(endpoint, caPem == null ? null
        : new TrustedCa(caPem.getBytes(StandardCharsets.US_ASCII), "Secret " + source));
  }

  private static String decode(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(value.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": is not base64");
    }
  }
}
