package io.cachemesh.api.compiled;

/** A policy's namespace and name: what scopes its keys and its broker stream. */
public record PolicyId(String namespace, String name) {
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
