package io.cachemesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void defaultsWatchEveryNamespaceWithLeaderElectionAndABoundedHeartbeatRate() {
    OperatorSettings settings = OperatorSettings.defaults();

    assertThat(settings.namespaces()).isEmpty();
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.exitOnLostLease()).isTrue();
    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.heartbeatMaxAge()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.metricsPort()).isEqualTo(8080);
  }

  @Test
  void flagsWinOverEnvironmentAndBothForms() {
    OperatorSettings settings = OperatorSettings.parse(
        new String[] {"--metrics-port=9090", "--namespace", "shop,blog", "--sidecar-version=2.0.0", "--heartbeat-interval=5s"},
        Map.of("CACHEMESH_METRICS_PORT", "7070", "CACHEMESH_LEADER_ELECTION_NAMESPACE", "cachemesh-system"));

    assertThat(settings.metricsPort()).isEqualTo(9090);
    assertThat(settings.namespaces()).containsExactlyInAnyOrder("shop", "blog");
    assertThat(settings.sidecarVersion()).isEqualTo("2.0.0");
    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.leaderElectionNamespace()).isEqualTo("cachemesh-system");
  }

  @Test
  void badFlagsAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--heartbeat-interval=soon"}, Map.of()))
        .hasMessageStartingWith("--heartbeat-interval:");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--heartbeat-interval=0s"}, Map.of()))
        .hasMessageContaining("hot loop");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--metrics-prot=1"}, Map.of()))
        .hasMessageContaining("--metrics-prot");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--leader-election=maybe"}, Map.of()))
        .hasMessageStartingWith("--leader-election:");
  }
}
