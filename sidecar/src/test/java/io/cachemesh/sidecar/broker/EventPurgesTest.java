package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.broker.MalformedEventException;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventPurgesTest {
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = "KEY", mode = EnumSource.Mode.EXCLUDE)
  void everyFleetWidePurgeSurvivesTheTripThroughTheStreamFields(Kind kind) throws MalformedEventException {
    for (boolean soft : new boolean[] {false, true}) {
      Purge purge = new Purge(kind, kind == Kind.ALL ? List.of() : List.of("/a", "/b"), soft);

      Map<String, String> fields = EventPurges.toEvent(purge, "test").orElseThrow().toFields();

      assertThat(EventPurges.toPurges(InvalidationEvent.parse(fields))).containsExactly(purge);
    }
  }

  @Test
  void keyPurgesAndEmptyPurgesAreNotPublished() {
    assertThat(EventPurges.toEvent(new Purge(Kind.KEY, List.of("GET|/x"), false), "t")).isEmpty();
    assertThat(EventPurges.toEvent(new Purge(Kind.TAG, List.of(), false), "t")).isEmpty();
  }

  @Test
  void anEventNamingSeveralThingsBecomesOnePurgePerKind() throws MalformedEventException {
    InvalidationEvent event = InvalidationEvent.parse(
        Map.of("v", "1", "tags", "product:1 product:2", "paths", "/p", "prefixes", "/q/", "mode", "soft"));

    assertThat(EventPurges.toPurges(event)).containsExactly(
        new Purge(Kind.TAG, List.of("product:1", "product:2"), true),
        new Purge(Kind.PATH, List.of("/p"), true),
        new Purge(Kind.PREFIX, List.of("/q/"), true));
  }

  @Test
  void aConsumedEventCarriesItsTimeIntoEveryPurge() throws MalformedEventException {
    InvalidationEvent event = InvalidationEvent.parse(Map.of("v", "1", "tags", "t", "all", "true", "mode", "soft"));

    assertThat(EventPurges.toPurges(event, 1_700_000_000_123L)).containsExactly(
        new Purge(Kind.ALL, List.of(), true, 1_700_000_000_123L),
        new Purge(Kind.TAG, List.of("t"), true, 1_700_000_000_123L));
  }
}
