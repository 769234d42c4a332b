package io.cachemesh.api.validation;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that cannot be compiled, with every field error found. */
public final class InvalidPolicyException extends Exception {
  private final transient List<FieldError> errors;

  public InvalidPolicyException(List<FieldError> errors) {
    super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
