package io.cachemesh.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
      "redis://redis:6379, redis, 6379, 0, false",
      "redis://redis.cache.svc/3, redis.cache.svc, 6379, 3, false",
      "rediss://secure:6380/1, secure, 6380, 1, true"})
  void urlGivesHostPortDatabaseAndTls(String url, String host, int port, int db, boolean tls) {
    BrokerSettings settings = BrokerSettings.fromSecretData(secret("url", url));

    assertThat(settings.host()).isEqualTo(host);
    assertThat(settings.port()).isEqualTo(port);
    assertThat(settings.database()).isEqualTo(db);
    assertThat(settings.tls()).isEqualTo(tls);
  }

  @Test
  void secretKeysOverrideTheUrlsUserInfoAndThePasswordIsNeverPrinted() {
    BrokerSettings settings = BrokerSettings.fromSecretData(
        secret("url", "redis://old:pw@redis:6379", "username", "operator", "password", "s3cret"));

    assertThat(settings.username()).isEqualTo("operator");
    assertThat(settings.password()).isEqualTo("s3cret");
    assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("pw");
  }

  @ParameterizedTest
  @CsvSource({
      "redis-cluster://a:1, url: scheme 'redis-cluster'",
      "redis://redis/zero, url: path '/zero'",
      "'', url: is required"})
  void badUrlsAreRefusedNamingTheKey(String url, String message) {
    assertThatThrownBy(() -> BrokerSettings.fromSecretData(secret("url", url))).hasMessageStartingWith(message);
  }

  @Test
  void aCaThatIsNotPemIsRefused() {
    BrokerSettings settings = BrokerSettings.fromSecretData(secret("url", "rediss://r:6380", "ca.crt", "not a cert"));

    assertThatThrownBy(settings::socketFactory).hasMessageStartingWith("ca.crt:");
  }
}
