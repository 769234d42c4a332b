package io.cachemesh.sidecar.origin;

import java.net.SocketTimeoutException;

/**
 * The origin did not answer in time. A {@link SocketTimeoutException}, so that callers mapping
 * timeouts to 504 need not know this type.
 */
public final class OriginTimeoutException extends SocketTimeoutException {
  public OriginTimeoutException(String message) {
    super(message);
  }
}
