package io.cachemesh.sidecar.proxy;

import java.time.Duration;

/**
 * Bounds on what a client may send.
 *
 * @param maxHeaderBytes the whole request head; larger is refused by Undertow before any handler
 * @param maxHeaders number of header fields
 * @param maxRequestBody request body bytes; a declared larger Content-Length gets 413
 * @param ioThreads event loop threads (0: one per core)
 * @param idleTimeout a keep-alive connection with no request for this long is closed
 */
public record ProxyLimits(int maxHeaderBytes, int maxHeaders, long maxRequestBody, int ioThreads, Duration idleTimeout) {
  public static final ProxyLimits DEFAULTS = new ProxyLimits(32 * 1024, 100, 64L << 20, 0, Duration.ofSeconds(60));
}
