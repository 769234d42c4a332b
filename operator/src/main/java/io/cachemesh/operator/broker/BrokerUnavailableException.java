package io.cachemesh.operator.broker;

/** The broker cannot be used right now (Secret missing or invalid, Redis down or slow). Expected; retried. */
public final class BrokerUnavailableException extends Exception {
  public BrokerUnavailableException(String message) {
    super(message);
  }

  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
