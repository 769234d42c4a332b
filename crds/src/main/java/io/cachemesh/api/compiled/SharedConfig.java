package io.cachemesh.api.compiled;

/** @param brokerSecret the Secret with the Redis url and credentials, or null when there is no broker */
public record SharedConfig(boolean enabled, String brokerSecret) {}
