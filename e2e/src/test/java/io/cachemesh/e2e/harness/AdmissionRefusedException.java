package io.cachemesh.e2e.harness;

/** The API server's answer when admission refuses an object: the webhook's code and message. */
public final class AdmissionRefusedException extends RuntimeException {
  private final int code;

  public AdmissionRefusedException(int code, String message) {
    super(message);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
