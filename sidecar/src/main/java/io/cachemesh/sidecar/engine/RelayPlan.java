package io.cachemesh.sidecar.engine;

import java.io.IOException;

/**
 * The cache's part in a request relayed on the IO thread: the origin gets the client's request
 * unchanged (bar forwarding fields), and the cache only labels and counts the answer. Called on
 * the IO thread, so never blocks.
 */
public interface RelayPlan {
  /**
   * The origin answered: the fields the client receives (Cache-Status, tag header removed...). Counts the request.
   *
   * @param originFields the origin's end-to-end fields
   * @param contentLength the origin's body length, -1 when not known
   */
  HeaderList respond(int status, HeaderList originFields, long contentLength, long responseTimeMillis);

  /** The origin failed before a response head: what the client receives instead. Counts the request. */
  CacheResponse failed(IOException cause);
}
