package io.cachemesh.operator.admission;

/** An admission request that cannot be understood: answered with 400 and this message, never a 500. */
public final class MalformedReviewException extends Exception {
  public MalformedReviewException(String message) {
    super(message);
  }
}
