package io.cachemesh.sidecar.broker;

import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.sidecar.engine.Purge;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Converts between the engine's {@link Purge} and the broker's {@link InvalidationEvent}. */
public final class EventPurges {
  private EventPurges() {}

  /**
   * The event that carries a purge to the fleet, or empty for KEY purges: a cache key is
   * computed by one replica's rules and config version, so it means nothing to a replica that may
   * run another, and it would put key material on the broker. Fleet-wide purges name tags, paths,
   * prefixes or all.
   */
  public static Optional<InvalidationEvent> toEvent(Purge purge, String origin) {
    PurgeMode mode = purge.soft() ? PurgeMode.SOFT : PurgeMode.HARD;
    List<String> none = List.of();
    return switch (purge.kind()) {
      case KEY -> Optional.empty();
      case TAG -> nonEmpty(purge, new InvalidationEvent(purge.values(), none, none, false, mode, origin));
      case PATH -> nonEmpty(purge, new InvalidationEvent(none, purge.values(), none, false, mode, origin));
      case PREFIX -> nonEmpty(purge, new InvalidationEvent(none, none, purge.values(), false, mode, origin));
      case ALL -> Optional.of(new InvalidationEvent(none, none, none, true, mode, origin));
    };
  }

  /** The purges an event asks for, ALL first (it makes the others moot but they are cheap). */
  public static List<Purge> toPurges(InvalidationEvent event) {
    return toPurges(event, Purge.NOW);
  }

  /** The same, for an event the broker accepted at {@code eventTimeMillis} (see {@link Purge#eventTimeMillis}). */
  public static List<Purge> toPurges(InvalidationEvent event, long eventTimeMillis) {
    boolean soft = event.mode() == PurgeMode.SOFT;
    List<Purge> purges = new ArrayList<>(4);
    if (event.all()) {
      purges.add(new Purge(Purge.Kind.ALL, List.of(), soft, eventTimeMillis));
    }
    if (!event.tags().isEmpty()) {
      purges.add(new Purge(Purge.Kind.TAG, event.tags(), soft, eventTimeMillis));
    }
    if (!event.paths().isEmpty()) {
      purges.add(new Purge(Purge.Kind.PATH, event.paths(), soft, eventTimeMillis));
    }
    if (!event.prefixes().isEmpty()) {
      purges.add(new Purge(Purge.Kind.PREFIX, event.prefixes(), soft, eventTimeMillis));
    }
    return purges;
  }

  private static Optional<InvalidationEvent> nonEmpty(Purge purge, InvalidationEvent event) {
    return purge.values().isEmpty() ? Optional.empty() : Optional.of(event);
  }
}
