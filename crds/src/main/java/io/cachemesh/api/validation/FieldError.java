package io.cachemesh.api.validation;

/**
 * One thing wrong with a policy: the field's path as {@code kubectl explain} would name it
 * ({@code spec.rules[2].ttl}) and why.
 */
public record FieldError(String field, String reason) {
  @Override
  public String toString() {
    return field + ": " + reason;
  }
}
