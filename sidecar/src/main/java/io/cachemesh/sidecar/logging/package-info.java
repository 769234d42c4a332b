/**
 * The process's SLF4J backend: one line per event on standard error, UTC timestamps, levels from
 * {@code CACHEMESH_LOG_LEVEL}. Small on purpose: see {@link io.cachemesh.sidecar.logging.LineLoggerProvider}.
 */
package io.cachemesh.sidecar.logging;
