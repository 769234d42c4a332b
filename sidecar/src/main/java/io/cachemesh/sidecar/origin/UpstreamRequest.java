package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.HeaderList;
import java.io.InputStream;

/**
 * A request as it goes on the wire to the origin.
 *
 * @param headers the end-to-end fields to send, Host included; framing fields are ignored (the
 *     client writes its own from {@code bodyLength})
 * @param body the request body, or null when there is none
 * @param bodyLength the body's length, -1 when unknown (sent chunked), 0 without body
 */
public record UpstreamRequest(String method, String target, HeaderList headers, InputStream body, long bodyLength) {
  public boolean hasBody() {
    return body != null && bodyLength != 0;
  }
}
