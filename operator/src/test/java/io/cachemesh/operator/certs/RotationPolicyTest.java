package io.cachemesh.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.operator.certs.RotationPolicy.Action;
import io.cachemesh.redis.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RotationPolicyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<String> NAMES = List.of("hook.ns.svc", "hook.ns.svc.cluster.local");
  private static final Duration CA = Duration.ofDays(300);
  private static final Duration LEAF = Duration.ofDays(30);

  static WebhookCertificates issued(List<String> names) {
    return new CertificateIssuer(new MutableClock(T0)).webhookCertificates("ca", names, CA, LEAF, List.of());
  }

  static Stream<Arguments> cases() {
    WebhookCertificates good = issued(NAMES);
    WebhookCertificates other = issued(NAMES);
    WebhookCertificates foreignLeaf = new WebhookCertificates(good.caKey(), good.ca(), List.of(), other.leafKey(), other.leaf());
    return Stream.of(
        Arguments.of("nothing stored", null, NAMES, Duration.ZERO, Action.ISSUE),
        Arguments.of("fresh", good, NAMES, Duration.ofDays(1), Action.REUSE),
        Arguments.of("leaf just before two thirds", good, NAMES, Duration.ofDays(19), Action.REUSE),
        Arguments.of("leaf at two thirds", good, NAMES, Duration.ofDays(20), Action.NEW_LEAF),
        Arguments.of("leaf expired", good, NAMES, Duration.ofDays(31), Action.NEW_LEAF),
        Arguments.of("CA at two thirds", good, NAMES, Duration.ofDays(200), Action.NEW_CA),
        Arguments.of("other service name", good, List.of("other.ns.svc", "other.ns.svc.cluster.local"), Duration.ofDays(1), Action.NEW_LEAF),
        Arguments.of("leaf not signed by the stored CA", foreignLeaf, NAMES, Duration.ofDays(1), Action.NEW_LEAF));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void renewsAtTwoThirdsOfLifetimeOrWhenTheStoredPairIsNotUsable(
      String name, WebhookCertificates current, List<String> names, Duration after, Action expected) {
    assertThat(RotationPolicy.decide(current, names, T0.plus(after))).isEqualTo(expected);
  }
}
