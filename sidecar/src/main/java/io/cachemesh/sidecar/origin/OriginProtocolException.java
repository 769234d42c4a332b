package io.cachemesh.sidecar.origin;

import java.io.IOException;

/** The origin sent something that is not a well-formed HTTP/1.1 response. */
public final class OriginProtocolException extends IOException {
  public OriginProtocolException(String message) {
    super(message);
  }
}
