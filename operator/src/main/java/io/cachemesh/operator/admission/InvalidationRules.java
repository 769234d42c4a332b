package io.cachemesh.operator.admission;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.validation.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * The semantic checks of a CacheInvalidation that admission runs until the shared
 * {@code InvalidationValidator} of the API module exists: {@code policyRef} present, something to
 * purge, paths and prefixes absolute. {@link InvalidationValidationHandler} takes any function of
 * this shape, so the shared validator replaces this class by a constructor argument.
 */
public final class InvalidationRules {
  public List<FieldError> validate(CacheInvalidation invalidation) {
    List<FieldError> errors = new ArrayList<>();
    CacheInvalidationSpec spec = invalidation.getSpec();
    if (spec == null) {
      errors.add(new FieldError("spec", "is required"));
      return errors;
    }
    if (spec.policyRef() == null || spec.policyRef().isBlank()) {
      errors.add(new FieldError("spec.policyRef", "is required: the CachePolicy whose caches are purged"));
    }
    boolean something = nonEmpty(spec.tags()) || nonEmpty(spec.paths()) || nonEmpty(spec.prefixes())
        || Boolean.TRUE.equals(spec.all());
    if (!something) {
      errors.add(new FieldError("spec", "name what to purge: tags, paths, prefixes or all: true"));
    }
    absolute("spec.paths", spec.paths(), errors);
    absolute("spec.prefixes", spec.prefixes(), errors);
    return errors;
  }

  private static void absolute(String field, List<String> values, List<FieldError> errors) {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value == null || !value.startsWith("/")) {
        errors.add(new FieldError(field + "[" + i + "]", "must start with '/', got \"" + value + "\""));
      }
    }
  }

  private static boolean nonEmpty(List<String> values) {
    return values != null && !values.isEmpty();
  }
}
