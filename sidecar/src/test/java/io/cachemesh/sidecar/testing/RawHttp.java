package io.cachemesh.sidecar.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends bytes a normal client would refuse to send, and reads what comes back until close. */
public final class RawHttp {
  private RawHttp() {}

  /** @return everything the server sent before closing (or going silent for 5s) */
  public static String exchange(InetSocketAddress address, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address, 2000);
      socket.setSoTimeout(5000);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // The server may close while we still write an oversized request: read what it answered.
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          out.write(buf, 0, n);
          if (completeResponse(out.toString(StandardCharsets.ISO_8859_1))) {
            break;
          }
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // Reset or silence ends the read; the assertions look at what arrived.
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  public static String exchange(InetSocketAddress address, String request) throws IOException {
    return exchange(address, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The status code of the first response, or -1 when there is none. */
  public static int status(String response) {
    if (!response.startsWith("HTTP/1.")) {
      return -1;
    }
    return Integer.parseInt(response.substring(9, 12));
  }

  private static boolean completeResponse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
    int cl = head.indexOf("content-length:");
    if (cl < 0) {
      return false;
    }
    int eol = head.indexOf("\r\n", cl);
    long length = Long.parseLong(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
    return text.length() - end - 4 >= length;
  }
}
