package io.cachemesh.api.validation;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Semantic checks of a {@code CacheInvalidation}, for the webhook and the operator. Same contract
 * as {@link PolicyValidator}: every error, each naming its field.
 */
public final class InvalidationValidator {
  public List<FieldError> validate(CacheInvalidation invalidation) {
    List<FieldError> errors = new ArrayList<>();
    if (invalidation.getMetadata() == null || PolicyValidator.isBlank(invalidation.getMetadata().getName())) {
      errors.add(new FieldError("metadata.name", "is required: name the invalidation"));
    }
    CacheInvalidationSpec spec = invalidation.getSpec();
    if (spec == null) {
      errors.add(new FieldError("spec", "is required: name a policyRef and what to purge"));
      return List.copyOf(errors);
    }
    if (PolicyValidator.isBlank(spec.policyRef())) {
      errors.add(new FieldError("spec.policyRef", "is required: the name of the CachePolicy whose caches are purged"));
    }
    if (isEmpty(spec.tags()) && isEmpty(spec.paths()) && isEmpty(spec.prefixes()) && !Boolean.TRUE.equals(spec.all())) {
      errors.add(new FieldError("spec", "names nothing to purge: set tags, paths, prefixes or all: true"));
    }
    for (int i = 0; spec.tags() != null && i < spec.tags().size(); i++) {
      String tag = spec.tags().get(i);
      if (PolicyValidator.isBlank(tag)) {
        errors.add(new FieldError("spec.tags[" + i + "]", "is empty: write the tag to purge, e.g. product:42"));
      } else if (tag.chars().anyMatch(Character::isWhitespace)) {
        errors.add(new FieldError("spec.tags[" + i + "]", "'" + tag + "' contains whitespace: list each tag separately"));
      }
    }
    paths("spec.paths", spec.paths(), errors);
    paths("spec.prefixes", spec.prefixes(), errors);
    if (spec.ttlSecondsAfterFinished() != null && spec.ttlSecondsAfterFinished() < 0) {
      errors.add(new FieldError("spec.ttlSecondsAfterFinished", "must be 0 or more (seconds to keep this object once finished)"));
    }
    return List.copyOf(errors);
  }

  private static void paths(String at, List<String> paths, List<FieldError> errors) {
    for (int i = 0; paths != null && i < paths.size(); i++) {
      String path = paths.get(i);
      if (path == null || !path.startsWith("/")) {
        errors.add(new FieldError(at + "[" + i + "]", "'" + path + "' must start with / (a path, without scheme or host)"));
      } else if (path.chars().anyMatch(Character::isWhitespace)) {
        // Events carry paths space-separated, as on the wire: a raw space would split one path in two.
        errors.add(new FieldError(at + "[" + i + "]", "'" + path + "' contains whitespace: percent-encode it (%20)"));
      }
    }
  }

  private static boolean isEmpty(List<String> values) {
    return values == null || values.isEmpty();
  }
}
