package io.cachemesh.operator.injection;

import java.util.Set;

/**
 * The injected sidecar's three ports ({@code --sidecar-proxy-port}, {@code --sidecar-admin-port},
 * {@code --sidecar-ops-port}). The defaults are the ones the sidecar image exposes; other values only
 * matter when an application already listens on one of them.
 *
 * @param proxy where the sidecar serves (it takes over the app port's name)
 * @param admin the loopback-only admin API (purges, low-level cache)
 * @param ops health and metrics (probes, PodMonitor)
 */
public record SidecarPorts(int proxy, int admin, int ops) {
  public static final SidecarPorts DEFAULTS = new SidecarPorts(15080, 15081, 15082);

  /** @throws IllegalArgumentException naming the flag of the first bad port (out of range or taken by another) */
  public SidecarPorts {
    check("sidecar-proxy-port", proxy);
    check("sidecar-admin-port", admin);
    check("sidecar-ops-port", ops);
    if (admin == proxy) {
      throw new IllegalArgumentException("--sidecar-admin-port: " + admin + " is already --sidecar-proxy-port");
    }
    if (ops == proxy || ops == admin) {
      throw new IllegalArgumentException("--sidecar-ops-port: " + ops + " is already --sidecar-"
          + (ops == proxy ? "proxy" : "admin") + "-port");
    }
  }

  private static void check(String flag, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--" + flag + ": " + port + " is not a port (1-65535)");
    }
  }

  public Set<Integer> all() {
    return Set.of(proxy, admin, ops);
  }

  /** For messages: {@code 15080, 15081, 15082}. */
  @Override
  public String toString() {
    return proxy + ", " + admin + ", " + ops;
  }
}
