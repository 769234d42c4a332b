package io.cachemesh.operator.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook endpoint: reads a bounded body off the IO thread, parses the AdmissionReview, asks its
 * {@link AdmissionHandler} and writes the review back with the request's uid. A body that is not a v1
 * AdmissionReview gets 400 with the reason; one over the limit gets 413.
 */
final class ReviewHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ReviewHandler.class);

  private final String path;
  private final AdmissionHandler handler;
  private final int maxBodyBytes;

  ReviewHandler(String path, AdmissionHandler handler, int maxBodyBytes) {
    this.path = path;
    this.handler = handler;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) {
      // Handlers may read the API server (before the informers sync): never on an IO thread.
      exchange.dispatch(this);
      return;
    }
    if (!Methods.POST.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
      text(exchange, 405, "only POST is accepted on " + path);
      return;
    }
    if (exchange.getRequestContentLength() > maxBodyBytes) {
      text(exchange, 413, "request body is over " + maxBodyBytes + " bytes");
      return;
    }
    exchange.setMaxEntitySize(maxBodyBytes);
    exchange.startBlocking();
    byte[] body;
    try (InputStream in = exchange.getInputStream()) {
      body = in.readNBytes(maxBodyBytes + 1);
    } catch (IOException e) {
      // Undertow fails the read once a chunked body passes the entity limit.
      text(exchange, 413, "request body is over " + maxBodyBytes + " bytes or was cut: " + e.getMessage());
      return;
    }
    if (body.length > maxBodyBytes) {
      text(exchange, 413, "request body is over " + maxBodyBytes + " bytes");
      return;
    }
    try {
      AdmissionRequest request = AdmissionReviews.parse(body);
      AdmissionResponse response = handler.handle(request);
      exchange.setStatusCode(200);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange.getResponseSender().send(ByteBuffer.wrap(AdmissionReviews.write(request.getUid(), response)));
    } catch (MalformedReviewException e) {
      LOG.info("event=admission_bad_request path={} reason=\"{}\"", path, e.getMessage());
      text(exchange, 400, e.getMessage());
    } catch (RuntimeException e) {
      // A bug, not bad input: the stack trace is wanted; the API server applies the failurePolicy.
      LOG.error("event=admission_failed path={}", path, e);
      text(exchange, 500, "internal error while reviewing: " + e.getClass().getSimpleName());
    }
  }

  private static void text(HttpServerExchange exchange, int status, String message) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(message + "\n", StandardCharsets.UTF_8);
  }
}
