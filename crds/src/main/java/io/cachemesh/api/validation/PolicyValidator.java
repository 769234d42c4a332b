package io.cachemesh.api.validation;

import io.cachemesh.api.CachePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The semantic checks the CRD schema cannot express. One place, used by the validating webhook,
 * the operator and the standalone sidecar. Returns every error found, each naming its field.
 */
public final class PolicyValidator {
  public List<FieldError> validate(CachePolicy policy) {
    List<FieldError> errors = new ArrayList<>();
    if (policy.getSpec() == null) {
      errors.add(new FieldError("spec", "is required"));
    } else if (policy.getSpec().upstream() == null || policy.getSpec().upstream().port() == null) {
      errors.add(new FieldError("spec.upstream.port", "is required"));
    }
    return errors;
  }
}
