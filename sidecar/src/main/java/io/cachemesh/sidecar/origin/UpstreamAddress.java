package io.cachemesh.sidecar.origin;

import java.net.URI;
import java.net.URISyntaxException;

/** Where the application listens: {@code http://host:port}, nothing else (no path, no TLS). */
public record UpstreamAddress(String host, int port) {

  /** @throws IllegalArgumentException naming what is wrong with the URL */
  public static UpstreamAddress parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("'" + url + "' must start with http:// (the app is reached in the pod, without TLS)");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("'" + url + "' has no host");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
        || uri.getRawQuery() != null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("'" + url + "' must be http://host:port only (no path, query or user)");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new UpstreamAddress(host, uri.getPort() == -1 ? 80 : uri.getPort());
  }

  @Override
  public String toString() {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
