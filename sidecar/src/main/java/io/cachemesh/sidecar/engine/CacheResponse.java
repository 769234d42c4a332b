package io.cachemesh.sidecar.engine;

import java.io.InputStream;

/**
 * What the HTTP layer writes back to the client. Exactly one of {@code body} (buffered, e.g. a hit)
 * and {@code stream} (a pass-through or an object too large to buffer) is non-null; a response
 * without a body (HEAD, 304) has an empty {@code body}.
 *
 * @param bufferedPrefix for streams: bytes already read from the origin that go before the rest of
 *     {@code stream}; else null
 * @param headers complete response headers, including {@code Cache-Status} and {@code Age}
 */
public record CacheResponse(
    int status, HeaderList headers, byte[] body, byte[] bufferedPrefix, InputStream stream) {}
