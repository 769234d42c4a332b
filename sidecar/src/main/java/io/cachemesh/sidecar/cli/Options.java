package io.cachemesh.sidecar.cli;

import io.cachemesh.sidecar.broker.BrokerSource;
import io.cachemesh.sidecar.http.HostPort;
import io.cachemesh.sidecar.origin.UpstreamAddress;
import io.cachemesh.sidecar.origin.UpstreamSettings;
import io.cachemesh.sidecar.proxy.ProxyLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process configuration, parsed and checked.
 *
 * @param policy standalone mode: a CachePolicy YAML; else null
 * @param config injected mode: the compiled config JSON, watched; else null
 * @param broker the Redis of the shared tier and broker; null when there is none
 */
public record Options(
    Path policy,
    Path config,
    UpstreamAddress upstream,
    HostPort listen,
    HostPort adminListen,
    HostPort opsListen,
    UpstreamSettings upstreamSettings,
    ProxyLimits limits,
    Duration configPoll,
    Duration shutdownTimeout,
    BrokerSource broker) {

  public boolean standalone() {
    return policy != null;
  }
}
