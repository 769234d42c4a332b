package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.HeaderList;

/** A parsed status line and header section; {@code http11} false for an HTTP/1.0 origin. */
public record ResponseHead(int status, HeaderList headers, boolean http11) {}
