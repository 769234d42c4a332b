package io.cachemesh.sidecar.engine;

/** One header field as it appeared on the wire. */
public record Header(String name, String value) {}
