package io.cachemesh.sidecar.origin;

import java.io.InputStream;
import java.util.function.Supplier;

/**
 * A client's request body, opened only when the request is forwarded (a cache hit never reads it).
 *
 * @param length -1 when chunked, 0 when there is none
 */
public record RequestBody(Supplier<InputStream> opener, long length) {
  public static final RequestBody NONE = new RequestBody(InputStream::nullInputStream, 0);
}
