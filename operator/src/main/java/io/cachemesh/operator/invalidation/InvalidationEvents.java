package io.cachemesh.operator.invalidation;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.broker.MalformedEventException;
import io.cachemesh.api.validation.FieldError;
import io.cachemesh.api.validation.InvalidationValidator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns a {@code CacheInvalidation} into a stream event. What the spec means is checked by the shared
 * {@link InvalidationValidator} (the validating webhook runs the same); what is left here is the
 * event schema: the event must read back as itself, or every sidecar would skip it as malformed.
 */
public final class InvalidationEvents {
  private static final InvalidationValidator VALIDATOR = new InvalidationValidator();

  private InvalidationEvents() {}

  /**
   * @param policy the policy purged, for its default mode; null when it does not exist (yet)
   * @throws IllegalArgumentException with every field error, for an invalidation that cannot be
   *     published (invalid, or beyond what the event schema carries)
   */
  public static InvalidationEvent from(CacheInvalidation invalidation, CachePolicy policy, String origin) {
    List<FieldError> errors = VALIDATOR.validate(invalidation);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    }
    CacheInvalidationSpec spec = invalidation.getSpec();
    PurgeMode mode = spec.mode();
    if (mode == null && policy != null && policy.getSpec() != null && policy.getSpec().invalidation() != null) {
      mode = policy.getSpec().invalidation().mode();
    }
    InvalidationEvent event = new InvalidationEvent(listOf(spec.tags()), listOf(spec.paths()), listOf(spec.prefixes()),
        Boolean.TRUE.equals(spec.all()), mode == null ? PurgeMode.HARD : mode, origin);
    try {
      if (!InvalidationEvent.parse(event.toFields()).equals(event)) {
        throw new IllegalArgumentException("spec: cannot be carried by an invalidation event unchanged");
      }
    } catch (MalformedEventException e) {
      throw new IllegalArgumentException("spec." + e.getMessage());
    }
    return event;
  }

  private static List<String> listOf(List<String> values) {
    return values == null ? List.of() : values.stream().filter(Objects::nonNull).toList();
  }
}
