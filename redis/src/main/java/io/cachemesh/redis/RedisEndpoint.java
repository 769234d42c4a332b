package io.cachemesh.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where Redis is and how to reach it, parsed from a broker URL:
 *
 * <ul>
 *   <li>{@code redis://[user:pass@]host:port[/db]} one server;
 *   <li>{@code rediss://...} the same over TLS (optionally verified against a CA file);
 *   <li>{@code redis-cluster://host:port,host:port} seed nodes of a Redis Cluster (no database);
 *   <li>{@code redis-sentinel://host:port,host:port/master-name[/db]} sentinels and the monitored master.
 * </ul>
 *
 * Credentials in the URL are overridden by explicit ones (the Secret's {@code username} and
 * {@code password} files). {@link #toString()} never shows the password.
 */
public record RedisEndpoint(
    Mode mode,
    List<Node> nodes,
    boolean tls,
    int database,
    String masterName,
    String username,
    String password,
    Path caFile) {

  public enum Mode { STANDALONE, CLUSTER, SENTINEL }

  public record Node(String host, int port) {
    @Override
    public String toString() {
      return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
  }

  private static final int DEFAULT_PORT = 6379;
  private static final int DEFAULT_SENTINEL_PORT = 26379;

  public RedisEndpoint {
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("redis url: hosts: at least one host:port is required");
    }
  }

  /**
   * @param username overrides the URL's user when not null/blank
   * @param password overrides the URL's password when not null
   * @param caFile a PEM CA certificate to verify TLS servers against, or null for the JVM's trust store
   * @throws IllegalArgumentException naming the part of the URL that is wrong
   */
  public static RedisEndpoint parse(String url, String username, String password, Path caFile) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("redis url: is empty");
    }
    String text = url.trim();
    int schemeEnd = text.indexOf("://");
    if (schemeEnd <= 0) {
      throw new IllegalArgumentException("redis url: scheme: missing (expected redis://, rediss://, redis-cluster:// or redis-sentinel://)");
    }
    String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = text.substring(schemeEnd + 3);
    Mode mode;
    boolean tls;
    switch (scheme) {
      case "redis" -> { mode = Mode.STANDALONE; tls = false; }
      case "rediss" -> { mode = Mode.STANDALONE; tls = true; }
      case "redis-cluster" -> { mode = Mode.CLUSTER; tls = false; }
      case "rediss-cluster" -> { mode = Mode.CLUSTER; tls = true; }
      case "redis-sentinel" -> { mode = Mode.SENTINEL; tls = false; }
      case "rediss-sentinel" -> { mode = Mode.SENTINEL; tls = true; }
      default -> throw new IllegalArgumentException("redis url: scheme: '" + scheme
          + "' is not one of redis, rediss, redis-cluster, redis-sentinel");
    }
    String userInfo = null;
    int at = rest.lastIndexOf('@');
    int firstSlash = rest.indexOf('/');
    if (at >= 0 && (firstSlash < 0 || at < firstSlash)) {
      userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
    }
    String hostPart = rest;
    String pathPart = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      hostPart = rest.substring(0, slash);
      pathPart = rest.substring(slash + 1);
    }
    int defaultPort = mode == Mode.SENTINEL ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT;
    List<Node> nodes = parseNodes(hostPart, defaultPort);
    if (mode == Mode.STANDALONE && nodes.size() > 1) {
      throw new IllegalArgumentException("redis url: hosts: " + scheme
          + ":// takes one host; use redis-cluster:// or redis-sentinel:// for several");
    }
    int database = 0;
    String masterName = null;
    List<String> segments = pathPart.isEmpty() ? List.of() : List.of(pathPart.split("/", -1));
    switch (mode) {
      case STANDALONE -> {
        if (segments.size() > 1) {
          throw new IllegalArgumentException("redis url: database: '" + pathPart + "' must be one number");
        }
        if (segments.size() == 1 && !segments.getFirst().isEmpty()) {
          database = parseDatabase(segments.getFirst());
        }
      }
      case CLUSTER -> {
        if (!segments.isEmpty() && !(segments.size() == 1 && segments.getFirst().isEmpty())) {
          throw new IllegalArgumentException("redis url: database: Redis Cluster has only database 0, remove '/" + pathPart + "'");
        }
      }
      case SENTINEL -> {
        if (segments.isEmpty() || segments.getFirst().isBlank()) {
          throw new IllegalArgumentException("redis url: master name: redis-sentinel://hosts/<master-name>[/db] needs the master name");
        }
        if (segments.size() > 2) {
          throw new IllegalArgumentException("redis url: database: '" + pathPart + "' has too many parts (expected master-name[/db])");
        }
        masterName = segments.getFirst();
        if (segments.size() == 2 && !segments.get(1).isEmpty()) {
          database = parseDatabase(segments.get(1));
        }
      }
    }
    String urlUser = null;
    String urlPassword = null;
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        urlUser = decode(userInfo, "user");
      } else {
        urlUser = colon == 0 ? null : decode(userInfo.substring(0, colon), "user");
        urlPassword = decode(userInfo.substring(colon + 1), "password");
      }
    }
    String user = username != null && !username.isBlank() ? username.strip() : urlUser;
    String pass = password != null ? password : urlPassword;
    if (caFile != null && !tls) {
      throw new IllegalArgumentException("redis url: scheme: a CA file is given but '" + scheme
          + "://' is not TLS (use rediss://)");
    }
    return new RedisEndpoint(mode, nodes, tls, database, masterName, user, pass, caFile);
  }

  private static List<Node> parseNodes(String hostPart, int defaultPort) {
    if (hostPart.isBlank()) {
      throw new IllegalArgumentException("redis url: host: missing");
    }
    List<Node> nodes = new ArrayList<>();
    for (String item : hostPart.split(",", -1)) {
      if (item.isBlank()) {
        throw new IllegalArgumentException("redis url: hosts: empty entry in '" + hostPart + "'");
      }
      String host;
      String portText = null;
      if (item.startsWith("[")) {
        int close = item.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("redis url: host: '" + item + "' has an unclosed [");
        }
        host = item.substring(1, close);
        String after = item.substring(close + 1);
        if (after.startsWith(":")) {
          portText = after.substring(1);
        } else if (!after.isEmpty()) {
          throw new IllegalArgumentException("redis url: port: '" + after + "' after " + item.substring(0, close + 1));
        }
      } else {
        int colon = item.lastIndexOf(':');
        host = colon < 0 ? item : item.substring(0, colon);
        portText = colon < 0 ? null : item.substring(colon + 1);
      }
      if (host.isBlank() || !host.matches("[A-Za-z0-9._:%-]+")) {
        throw new IllegalArgumentException("redis url: host: '" + host + "' is not a host name or address");
      }
      nodes.add(new Node(host, portText == null ? defaultPort : parsePort(portText)));
    }
    return nodes;
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("redis url: port: " + port + " is not in 1..65535");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("redis url: port: '" + text + "' is not a number");
    }
  }

  private static int parseDatabase(String text) {
    try {
      int db = Integer.parseInt(text);
      if (db < 0 || db > 1_000_000) {
        throw new IllegalArgumentException("redis url: database: " + db + " is negative or too large");
      }
      return db;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("redis url: database: '" + text + "' is not a number");
    }
  }

  private static String decode(String text, String part) {
    try {
      return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("redis url: " + part + ": bad percent-encoding");
    }
  }

  @Override
  public String toString() {
    String scheme = switch (mode) {
      case STANDALONE -> tls ? "rediss" : "redis";
      case CLUSTER -> tls ? "rediss-cluster" : "redis-cluster";
      case SENTINEL -> tls ? "rediss-sentinel" : "redis-sentinel";
    };
    StringBuilder out = new StringBuilder(scheme).append("://");
    if (username != null) {
      out.append(username).append(password != null ? ":***" : "").append('@');
    } else if (password != null) {
      out.append(":***@");
    }
    out.append(String.join(",", nodes.stream().map(Node::toString).toList()));
    if (masterName != null) {
      out.append('/').append(masterName);
    }
    if (database != 0) {
      out.append('/').append(database);
    }
    return out.toString();
  }
}
