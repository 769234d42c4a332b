package io.cachemesh.sidecar.cli;

/** A flag or environment variable that is missing or wrong; the process exits with code 2. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }
}
