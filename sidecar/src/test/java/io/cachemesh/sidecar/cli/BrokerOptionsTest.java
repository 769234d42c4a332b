package io.cachemesh.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.redis.RedisEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The broker flags: where the Redis settings come from, and bad ones refused with the part that is wrong. */
class BrokerOptionsTest {
  private static final String KEY = "0123456789abcdef0123";
  @TempDir Path dir;

  private static Options parse(Map<String, String> env, String... args) throws UsageException {
    String[] all = Stream.concat(Stream.of("--policy", "p.yaml", "--upstream", "http://127.0.0.1:8000"), Stream.of(args))
        .toArray(String[]::new);
    return OptionsParser.parse(all, env).orElseThrow();
  }

  @Test
  void noBrokerFlagsMeansNoBroker() throws Exception {
    assertThat(parse(Map.of()).broker()).isNull();
  }

  @Test
  void redisUrlTakesTheRestFromTheEnvironmentAndThePodNameFromPodName() throws Exception {
    Options o = parse(Map.of("CACHEMESH_REDIS_HMAC_KEY", KEY, "POD_NAME", "catalog-7d9", "HOSTNAME", "other"),
        "--redis-url", "redis://127.0.0.1:6380/2");

    assertThat(o.broker().fixed().endpoint().mode()).isEqualTo(RedisEndpoint.Mode.STANDALONE);
    assertThat(o.broker().fixed().endpoint().toString()).contains("6380");
    assertThat(o.broker().pod()).isEqualTo("catalog-7d9");
  }

  @Test
  void redisUrlFromItsEnvironmentVariableWorksLikeTheFlag() throws Exception {
    Options o = parse(Map.of("CACHEMESH_REDIS_URL", "redis://127.0.0.1:6380", "CACHEMESH_REDIS_HMAC_KEY", KEY),
        "--pod-name", "laptop");

    assertThat(o.broker()).isNotNull();
    assertThat(o.broker().pod()).isEqualTo("laptop");
  }

  @Test
  void brokerDirIsReadAndCheckedAtStart() throws Exception {
    Files.writeString(dir.resolve("url"), "redis://redis.cache:6379\n");
    Files.writeString(dir.resolve("hmacKey"), KEY + "\n");

    Options o = parse(Map.of(), "--broker-dir", dir.toString());

    assertThat(o.broker().secretDirectory()).isEqualTo(dir);
    assertThat(o.broker().load().endpoint().toString()).contains("redis.cache:6379");
  }

  static Stream<Arguments> badBrokers() {
    return Stream.of(
        Arguments.of(Map.of(), new String[] {"--redis-url", "redis://127.0.0.1:6379"}, "--redis-url: CACHEMESH_REDIS_HMAC_KEY: is not set"),
        Arguments.of(Map.of("CACHEMESH_REDIS_HMAC_KEY", "short"), new String[] {"--redis-url", "redis://127.0.0.1:6379"}, "hmacKey: must be at least 16 bytes"),
        Arguments.of(Map.of("CACHEMESH_REDIS_HMAC_KEY", KEY), new String[] {"--redis-url", "redis://127.0.0.1:x"}, "--redis-url: redis url: port"),
        Arguments.of(Map.of(), new String[] {"--broker-dir", "/nonexistent/broker"}, "--broker-dir /nonexistent/broker: url: missing"),
        Arguments.of(Map.of(), new String[] {"--broker-dir", "/x", "--redis-url", "redis://h:1"}, "at most one of --broker-dir"));
  }

  @ParameterizedTest
  @MethodSource("badBrokers")
  void badBrokerSettingsAreAUsageErrorNamingThePart(Map<String, String> env, String[] args, String message) {
    assertThatThrownBy(() -> parse(env, args)).isInstanceOf(UsageException.class).hasMessageContaining(message);
  }
}
