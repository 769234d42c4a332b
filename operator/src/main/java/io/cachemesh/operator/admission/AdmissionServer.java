package io.cachemesh.operator.admission;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.validation.InvalidationValidator;
import io.cachemesh.api.validation.PolicyValidator;
import io.cachemesh.operator.injection.SidecarInjector;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.PathHandler;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission webhooks over HTTPS (Undertow): {@code POST /mutate-pods},
 * {@code /validate-cachepolicies}, {@code /validate-cacheinvalidations}, each taking and returning an
 * {@code admission.k8s.io/v1} AdmissionReview. The TLS identity comes from the given SSLContext; with
 * {@code io.cachemesh.operator.certs.ServingTls} its certificate is swapped without a restart.
 *
 * <p>Benchmarks and tests build one with {@link #cachemesh} from an SSLContext and a
 * {@link PolicyLookup} (for example {@link PolicyLookup#fixed}), bound to port 0.
 */
public final class AdmissionServer implements AutoCloseable {
  public static final String MUTATE_PODS = "/mutate-pods";
  public static final String VALIDATE_POLICIES = "/validate-cachepolicies";
  public static final String VALIDATE_INVALIDATIONS = "/validate-cacheinvalidations";
  /** The API server's own object limit is about 3 MiB; a review carries object and oldObject. */
  public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);

  /** How long {@link #close()} waits for reviews in flight: well under the API server's 10 s webhook timeout. */
  private static final long DRAIN_MILLIS = 5_000;

  private final Undertow undertow;
  private final GracefulShutdownHandler graceful;
  private volatile InetSocketAddress address;

  public AdmissionServer(InetSocketAddress bind, SSLContext ssl, Map<String, AdmissionHandler> routes, int maxBodyBytes) {
    Objects.requireNonNull(ssl, "ssl");
    PathHandler paths = new PathHandler();
    routes.forEach((path, handler) -> paths.addExactPath(path, new ReviewHandler(path, handler, maxBodyBytes)));
    this.graceful = Handlers.gracefulShutdown(paths);
    this.undertow = Undertow.builder()
        .addHttpsListener(bind.getPort(), bind.getHostString(), ssl)
        .setHandler(graceful)
        .build();
  }

  /** The three cachemesh webhooks, validating with the shared validators. */
  public static AdmissionServer cachemesh(
      InetSocketAddress bind, SSLContext ssl, SidecarInjector injector, PolicyLookup lookup) {
    PolicyValidator policies = new PolicyValidator();
    InvalidationValidator invalidations = new InvalidationValidator();
    Map<String, AdmissionHandler> routes = new LinkedHashMap<>();
    routes.put(MUTATE_PODS, new PodInjectionHandler(injector, lookup));
    routes.put(VALIDATE_POLICIES, new ValidationHandler<>(CachePolicy.class, CachePolicy.KIND, policies::validate));
    routes.put(VALIDATE_INVALIDATIONS,
        new ValidationHandler<>(CacheInvalidation.class, CacheInvalidation.KIND, invalidations::validate));
    return new AdmissionServer(bind, ssl, routes, DEFAULT_MAX_BODY_BYTES);
  }

  public AdmissionServer start() {
    undertow.start();
    address = (InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress();
    LOG.info("event=admission_server_started address={}:{}", address.getHostString(), address.getPort());
    return this;
  }

  /** The bound address (the real port when bound to 0); null before {@link #start()}. */
  public InetSocketAddress address() {
    return address;
  }

  /** Refuses new requests (503), waits up to 5 s for the ones in flight, then stops. */
  @Override
  public void close() {
    graceful.shutdown();
    try {
      if (!graceful.awaitShutdown(DRAIN_MILLIS)) {
        LOG.warn("event=admission_server_drain_timeout waitedMs={}", DRAIN_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    undertow.stop();
    address = null;
  }
}
