package io.cachemesh.api.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.PurgeMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class InvalidationEventTest {

  @Test
  void fieldsRoundTripThroughTheStreamFormat() throws Exception {
    InvalidationEvent event = new InvalidationEvent(
        List.of("product:42", "category:7"), List.of("/products/42"), List.of("/static/"), false, PurgeMode.SOFT, "django");
    Map<String, String> fields = event.toFields();
    assertThat(fields).containsEntry("v", "1").containsEntry("tags", "product:42 category:7").containsEntry("mode", "soft");
    assertThat(InvalidationEvent.parse(fields)).isEqualTo(event);
  }

  @Test
  void anEventAsPublishedByRedisCliWithDefaultsParses() throws Exception {
    InvalidationEvent event = InvalidationEvent.parse(Map.of("v", "1", "tags", "  product:1\tproduct:2 "));
    assertThat(event.tags()).containsExactly("product:1", "product:2");
    assertThat(event.mode()).isEqualTo(PurgeMode.HARD);
    assertThat(event.all()).isFalse();
  }

  static List<Arguments> malformed() {
    return List.of(
        Arguments.of(Map.of("tags", "a"), "v"),
        Arguments.of(Map.of("v", "2", "tags", "a"), "v"),
        Arguments.of(Map.of("v", "1"), "tags"),
        Arguments.of(Map.of("v", "1", "all", "yes"), "all"),
        Arguments.of(Map.of("v", "1", "tags", "a", "mode", "gentle"), "mode"),
        Arguments.of(Map.of("v", "1", "paths", "products/1"), "paths"),
        Arguments.of(Map.of("v", "1", "prefixes", "static"), "prefixes"),
        Arguments.of(Map.of("v", "1", "tags", "x".repeat(3000)), "tags"),
        Arguments.of(Map.of("v", "1", "tags", "t ".repeat(1001)), "tags"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedEventsNameTheirField(Map<String, String> fields, String field) {
    assertThatThrownBy(() -> InvalidationEvent.parse(fields))
        .isInstanceOfSatisfying(MalformedEventException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void streamIdsCompareNumericallyNotAsText() {
    assertThat(StreamIds.compare("10-0", "9-5")).isPositive();
    assertThat(StreamIds.compare("10-2", "10-10")).isNegative();
    assertThat(StreamIds.compare("7", "7-0")).isZero();
    assertThat(StreamIds.millis("1700000000123-4")).isEqualTo(1700000000123L);
    assertThatThrownBy(() -> StreamIds.compare("x-1", "1-1")).hasMessageContaining("not a stream id");
  }

  @Test
  void heartbeatRoundTripsAndKnowsWhichEventsItApplied() throws Exception {
    Heartbeat beat = new Heartbeat("web-1", "abc", "0.1.0", 10, 5, "1700-3", 1700L);
    Heartbeat read = Heartbeat.parse(beat.toJson());
    assertThat(read).isEqualTo(beat);
    assertThat(read.hasApplied("1700-3")).isTrue();
    assertThat(read.hasApplied("1700-4")).isFalse();
    assertThatThrownBy(() -> Heartbeat.parse("{\"pod\":\"x\"}")).isInstanceOf(MalformedEventException.class);
    assertThatThrownBy(() -> Heartbeat.parse("not json")).isInstanceOf(MalformedEventException.class);
  }
}
