package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.Origin;
import io.cachemesh.sidecar.engine.OriginResponse;
import java.io.IOException;

/**
 * The {@link Origin} of one client request: forwards through the shared pooled client, with the
 * client's address and body. The body goes only with the request it belongs to (the engine may
 * send other requests, such as a background revalidation, through the same origin).
 */
public final class ForwardingOrigin implements Origin {
  private final UpstreamClient client;
  private final CacheRequest owner;
  private final RequestBody body;
  private final String clientAddress;

  public ForwardingOrigin(UpstreamClient client, CacheRequest owner, RequestBody body, String clientAddress) {
    this.client = client;
    this.owner = owner;
    this.body = body;
    this.clientAddress = clientAddress;
  }

  @Override
  public OriginResponse send(CacheRequest request, HeaderList overrides) throws IOException {
    HeaderList headers = Forwarding.headers(request, overrides, clientAddress);
    boolean withBody = request == owner && body.length() != 0;
    return client.send(new UpstreamRequest(
        request.method(), request.pathAndQuery(), headers, withBody ? body.opener().get() : null,
        withBody ? body.length() : 0));
  }
}
