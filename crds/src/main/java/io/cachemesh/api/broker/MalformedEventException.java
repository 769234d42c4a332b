package io.cachemesh.api.broker;

/** An event a reader counts and skips; names the offending field. */
public final class MalformedEventException extends Exception {
  private final String field;

  public MalformedEventException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
