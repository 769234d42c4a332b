package io.cachemesh.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptionsParserTest {
  private static Options parse(Map<String, String> env, String... args) throws UsageException {
    return OptionsParser.parse(args, env).orElseThrow();
  }

  @Test
  void standaloneDefaultsBindToLoopback() throws Exception {
    Options o = parse(Map.of(), "--policy", "p.yaml", "--upstream", "http://127.0.0.1:8000");

    assertThat(o.standalone()).isTrue();
    assertThat(o.policy()).isEqualTo(Path.of("p.yaml"));
    assertThat(o.listen().toString()).isEqualTo("127.0.0.1:8080");
    assertThat(o.adminListen().toString()).isEqualTo("127.0.0.1:9901");
    assertThat(o.opsListen().toString()).isEqualTo("127.0.0.1:9902");
    assertThat(o.upstreamSettings().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.upstreamSettings().responseTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void injectedDefaultsListenOnThePodAddress() throws Exception {
    Options o = parse(Map.of(), "--config", "/etc/cachemesh/config.json", "--upstream", "http://127.0.0.1:8000");

    assertThat(o.standalone()).isFalse();
    assertThat(o.listen().toString()).isEqualTo("0.0.0.0:8080");
    assertThat(o.opsListen().toString()).isEqualTo("0.0.0.0:9902");
  }

  @Test
  void everyFlagHasAnEnvironmentVariableAndFlagsWin() throws Exception {
    Options o = parse(Map.of(
            "CACHEMESH_CONFIG", "/c.json", "CACHEMESH_UPSTREAM", "http://app:9000", "CACHEMESH_LISTEN", "0.0.0.0:1",
            "CACHEMESH_RESPONSE_TIMEOUT", "5s", "CACHEMESH_MAX_REQUEST_BODY", "1Mi"),
        "--listen=127.0.0.1:2");

    assertThat(o.config()).isEqualTo(Path.of("/c.json"));
    assertThat(o.upstream().host()).isEqualTo("app");
    assertThat(o.upstream().port()).isEqualTo(9000);
    assertThat(o.listen().toString()).isEqualTo("127.0.0.1:2");
    assertThat(o.upstreamSettings().responseTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.limits().maxRequestBody()).isEqualTo(1 << 20);
  }

  @Test
  void helpIsAskedFor() throws Exception {
    assertThat(OptionsParser.parse(new String[] {"--upstream", "x", "--help"}, Map.of())).isEmpty();
    assertThat(OptionsParser.help()).contains("CACHEMESH_LOG_LEVEL", "trace, debug, info, warn or error");
  }

  static Stream<Arguments> usageErrors() {
    return Stream.of(
        Arguments.of(new String[] {"--upstream", "http://a:1"}, "exactly one of --policy"),
        Arguments.of(new String[] {"--policy", "p", "--config", "c", "--upstream", "http://a:1"}, "exactly one of --policy"),
        Arguments.of(new String[] {"--policy", "p"}, "--upstream URL is required"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "https://a:1"}, "--upstream"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "http://a:1/path"}, "--upstream"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "http://a:1", "--admin-listen", "0.0.0.0:9901"}, "loopback"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "http://a:1", "--listen", "nope"}, "--listen"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "http://a:1", "--connect-timeout", "soon"}, "--connect-timeout"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "http://a:1", "--read-timeout", "0s"}, "--read-timeout"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "http://a:1", "--io-threads", "-1"}, "--io-threads"),
        Arguments.of(new String[] {"--policy", "p", "--upstream", "http://a:1", "--max-header-size", "10"}, "--max-header-size"),
        Arguments.of(new String[] {"--policy", "p", "--upstream"}, "needs a value"),
        Arguments.of(new String[] {"--policy", "p", "stray"}, "unexpected argument"),
        Arguments.of(new String[] {"--polcy", "p"}, "unknown flag --polcy"));
  }

  @ParameterizedTest
  @MethodSource("usageErrors")
  void badInvocationIsAUsageErrorNamingTheFlag(String[] args, String message) {
    assertThatThrownBy(() -> OptionsParser.parse(args, Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }
}
