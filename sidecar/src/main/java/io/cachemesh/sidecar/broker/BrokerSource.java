package io.cachemesh.sidecar.broker;

import io.cachemesh.sidecar.redis.BrokerSecret;
import java.nio.file.Path;

/**
 * Where this sidecar's broker settings come from: the mounted Secret directory (injected mode; read
 * again when a new config is applied and whenever the directory changes, see {@link SecretWatcher})
 * or the {@code CACHEMESH_REDIS_*} environment with {@code --redis-url} (standalone, read once).
 *
 * @param secretDirectory the Secret's directory, or null
 * @param fixed the settings from the environment, or null when a directory is given
 * @param pod this replica's name in heartbeats and event origins
 */
public record BrokerSource(Path secretDirectory, BrokerSecret fixed, String pod) {
  /** Where the injected sidecar finds the broker Secret when no flag says otherwise. */
  public static final Path DEFAULT_DIRECTORY = Path.of("/etc/cachemesh/broker");

  public BrokerSource {
    if ((secretDirectory == null) == (fixed == null)) {
      throw new IllegalArgumentException("broker: exactly one of a Secret directory or fixed settings");
    }
  }

  /** The current settings. @throws IllegalArgumentException naming the missing or bad file */
  public BrokerSecret load() {
    return fixed != null ? fixed : BrokerSecret.read(secretDirectory);
  }

  @Override
  public String toString() {
    return secretDirectory != null ? "secret-dir:" + secretDirectory : "env:" + fixed.endpoint();
  }
}
