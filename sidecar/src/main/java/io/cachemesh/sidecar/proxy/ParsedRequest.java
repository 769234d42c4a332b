package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.origin.RequestBody;
import io.undertow.util.AttachmentKey;

/** What the sanity handler made of a request, attached to the exchange for the handlers after it. */
record ParsedRequest(CacheRequest request, RequestBody body, String clientAddress) {
  static final AttachmentKey<ParsedRequest> KEY = AttachmentKey.create(ParsedRequest.class);
}
