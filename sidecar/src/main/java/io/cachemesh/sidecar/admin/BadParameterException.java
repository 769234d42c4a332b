package io.cachemesh.sidecar.admin;

/** An admin request parameter that is missing or wrong: answered with 400 naming it. */
final class BadParameterException extends Exception {
  private final String parameter;

  BadParameterException(String parameter, String reason) {
    super(reason);
    this.parameter = parameter;
  }

  String parameter() {
    return parameter;
  }
}
