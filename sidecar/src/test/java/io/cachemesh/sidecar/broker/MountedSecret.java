package io.cachemesh.sidecar.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Secret volume laid out as the kubelet writes it: files are symlinks through {@code ..data},
 * which points at a timestamped directory; an update writes a new directory and renames a
 * {@code ..data_tmp} symlink over {@code ..data} in one atomic step.
 */
final class MountedSecret {
  private final Path directory;
  private final AtomicInteger versions = new AtomicInteger();

  MountedSecret(Path directory, Map<String, String> files) {
    this.directory = directory;
    swap(files);
  }

  Path directory() {
    return directory;
  }

  /** Replaces the whole content atomically, as a Secret update does. */
  void swap(Map<String, String> files) {
    try {
      Path version = directory.resolve("..2026_11_23_" + versions.incrementAndGet());
      Files.createDirectory(version);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Files.writeString(version.resolve(f.getKey()), f.getValue());
      }
      Path tmp = directory.resolve("..data_tmp");
      Files.createSymbolicLink(tmp, version.getFileName());
      Files.move(tmp, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      for (String name : files.keySet()) {
        Path link = directory.resolve(name);
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, Path.of("..data", name));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
