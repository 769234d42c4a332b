package io.cachemesh.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.redis.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {
  private static Map<String, String> secret(String... keyValues) {
    Map<String, String> data = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      data.put(keyValues[i], Base64.getEncoder().encodeToString(keyValues[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  @ParameterizedTest
  @CsvSource({
      "redis://redis:6379, STANDALONE, redis:6379, 0, false",
      "redis://redis.cache.svc/3, STANDALONE, redis.cache.svc:6379, 3, false",
      "rediss://secure:6380/1, STANDALONE, secure:6380, 1, true",
      "'redis-cluster://a:7000,b:7001', CLUSTER, 'a:7000,b:7001', 0, false",
      "'redis-sentinel://s1,s2:26380/main/2', SENTINEL, 's1:26379,s2:26380', 2, false"})
  void everyUrlTheSidecarTakesIsTakenByTheOperator(String url, RedisEndpoint.Mode mode, String nodes, int db, boolean tls) {
    RedisEndpoint endpoint = BrokerSettings.fromSecretData(secret("url", url), "shop/redis").endpoint();

    assertThat(endpoint.mode()).isEqualTo(mode);
    assertThat(endpoint.nodes()).extracting(RedisEndpoint.Node::toString).containsExactly(nodes.split(","));
    assertThat(endpoint.database()).isEqualTo(db);
    assertThat(endpoint.tls()).isEqualTo(tls);
  }

  @Test
  void secretKeysOverrideTheUrlsUserInfoAndThePasswordIsNeverPrinted() {
    BrokerSettings settings = BrokerSettings.fromSecretData(
        secret("url", "redis://old:pw@redis:6379", "username", "operator", "password", "s3cret"), "shop/redis");

    assertThat(settings.endpoint().username()).isEqualTo("operator");
    assertThat(settings.endpoint().password()).isEqualTo("s3cret");
    assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("pw");
  }

  @ParameterizedTest
  @CsvSource({
      "memcached://a:1, redis url: scheme: 'memcached'",
      "redis://redis/zero, redis url: database: 'zero'",
      "'', url: is required"})
  void badUrlsAreRefusedNamingTheKey(String url, String message) {
    assertThatThrownBy(() -> BrokerSettings.fromSecretData(secret("url", url), "shop/redis")).hasMessageStartingWith(message);
  }

  @Test
  void aCaWithoutTlsIsRefused() {
    assertThatThrownBy(() -> BrokerSettings.fromSecretData(secret("url", "redis://r:6379", "ca.crt", "x"), "shop/redis"))
        .hasMessageStartingWith("ca.crt: is given but url redis://r:6379 is not TLS");
  }

  @Test
  void aCaThatIsNotPemIsRefusedNamingTheSecret() {
    BrokerSettings settings = BrokerSettings.fromSecretData(secret("url", "rediss://r:6380", "ca.crt", "not a cert"), "shop/redis");

    assertThatThrownBy(() -> settings.ca().socketFactory()).hasMessageStartingWith("ca.crt: Secret shop/redis");
  }
}
