package io.cachemesh.operator.invalidation;

import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.broker.InvalidationEvent;
import java.util.List;

/** Turns a {@code CacheInvalidation} spec into a stream event, refusing what the event schema cannot carry. */
public final class InvalidationEvents {
  private InvalidationEvents() {}

  /**
   * @throws IllegalArgumentException naming the field, for a spec that cannot be published (a
   *     value with whitespace, a path not starting with /, nothing to purge)
   */
  public static InvalidationEvent from(CacheInvalidationSpec spec, CachePolicy policy, String origin) {
    List<String> tags = checked("spec.tags", spec.tags(), false);
    List<String> paths = checked("spec.paths", spec.paths(), true);
    List<String> prefixes = checked("spec.prefixes", spec.prefixes(), true);
    boolean all = Boolean.TRUE.equals(spec.all());
    if (tags.isEmpty() && paths.isEmpty() && prefixes.isEmpty() && !all) {
      throw new IllegalArgumentException("spec: name what to purge: tags, paths, prefixes or all");
    }
    PurgeMode mode = spec.mode();
    if (mode == null && policy.getSpec() != null && policy.getSpec().invalidation() != null) {
      mode = policy.getSpec().invalidation().mode();
    }
    return new InvalidationEvent(tags, paths, prefixes, all, mode == null ? PurgeMode.HARD : mode, origin);
  }

  private static List<String> checked(String field, List<String> values, boolean path) {
    if (values == null) {
      return List.of();
    }
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value == null || value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(field + "[" + i + "]: must be non-empty with no whitespace");
      }
      if (path && !value.startsWith("/")) {
        throw new IllegalArgumentException(field + "[" + i + "]: '" + value + "' does not start with /");
      }
    }
    return List.copyOf(values);
  }
}
