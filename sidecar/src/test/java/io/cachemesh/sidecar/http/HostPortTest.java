package io.cachemesh.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @ParameterizedTest
  @CsvSource({"127.0.0.1:8080,127.0.0.1,8080,true", "0.0.0.0:0,0.0.0.0,0,false", "[::1]:9901,::1,9901,true",
      "localhost:1,localhost,1,true"})
  void parsesHostAndPort(String text, String host, int port, boolean loopback) {
    HostPort parsed = HostPort.parse(text);
    assertThat(parsed.host()).isEqualTo(host);
    assertThat(parsed.port()).isEqualTo(port);
    assertThat(parsed.isLoopback()).isEqualTo(loopback);
  }

  @ParameterizedTest
  @ValueSource(strings = {"8080", ":8080", "host:", "host:http", "host:70000", "::1:80"})
  void refusesWhatIsNotHostColonPort(String text) {
    assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(text);
  }
}
