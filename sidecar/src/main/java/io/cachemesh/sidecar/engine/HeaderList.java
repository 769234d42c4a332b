package io.cachemesh.sidecar.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An immutable, ordered list of header fields with case-insensitive lookup. Small on purpose: the
 * engine needs only first/all/with/without, and it must not depend on Undertow's types.
 */
public record HeaderList(List<Header> fields) {
  public static final HeaderList EMPTY = new HeaderList(List.of());

  public HeaderList {
    fields = List.copyOf(fields);
  }

  public static HeaderList of(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    List<Header> out = new ArrayList<>(nameValuePairs.length / 2);
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      out.add(new Header(nameValuePairs[i], nameValuePairs[i + 1]));
    }
    return new HeaderList(out);
  }

  public Optional<String> first(String name) {
    for (Header h : fields) {
      if (h.name().equalsIgnoreCase(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  public List<String> all(String name) {
    List<String> out = new ArrayList<>(2);
    for (Header h : fields) {
      if (h.name().equalsIgnoreCase(name)) {
        out.add(h.value());
      }
    }
    return out;
  }

  public boolean contains(String name) {
    return first(name).isPresent();
  }

  /** A copy with every field of that name replaced by one field with this value. */
  public HeaderList with(String name, String value) {
    List<Header> out = new ArrayList<>(fields.size() + 1);
    for (Header h : fields) {
      if (!h.name().equalsIgnoreCase(name)) {
        out.add(h);
      }
    }
    out.add(new Header(name, value));
    return new HeaderList(out);
  }

  public HeaderList without(String name) {
    List<Header> out = new ArrayList<>(fields.size());
    for (Header h : fields) {
      if (!h.name().equalsIgnoreCase(name)) {
        out.add(h);
      }
    }
    return new HeaderList(out);
  }
}
