package io.cachemesh.sidecar.cli;

import java.util.Locale;

/**
 * One command-line flag and its environment variable ({@code --admin-listen} is
 * {@code CACHEMESH_ADMIN_LISTEN}).
 *
 * @param defaultText the default as shown in {@code --help}; null when there is none
 */
record Flag(String name, String valueName, String defaultText, String help) {
  String env() {
    return "CACHEMESH_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
