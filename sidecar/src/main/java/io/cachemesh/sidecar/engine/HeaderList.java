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

  /** The values of every field of that name, in order; allocates nothing when there is none (most lookups). */
  public List<String> all(String name) {
    String first = null;
    List<String> more = null;
    for (Header h : fields) {
      if (h.name().equalsIgnoreCase(name)) {
        if (first == null) {
          first = h.value();
        } else {
          if (more == null) {
            more = new ArrayList<>(4);
            more.add(first);
          }
          more.add(h.value());
        }
      }
    }
    return more != null ? more : first != null ? List.of(first) : List.of();
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
