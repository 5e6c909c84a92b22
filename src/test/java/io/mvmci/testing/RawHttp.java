package io.mvmci.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a bare socket, for requests that {@link java.net.http.HttpClient} refuses to send
 * (a method that is not a token, {@code %zz} in a query, a Content-Length that lies, bytes that are
 * not UTF-8 in a header). The request must carry {@code Connection: close}: the answer is read until
 * the server closes, or until its headers for an event stream, or until {@code timeoutMs} passes
 * without a byte (a hang).
 */
public final class RawHttp {
  /** Bytes of a body kept; the rest is read and dropped. */
  static final int KEEP = 64 * 1024;

  /**
   * What came back. {@code status} is -1 if the connection closed or was reset before a status
   * line came; {@code timedOut} if the server went silent for the whole timeout.
   */
  public record Reply(int status, Map<String, String> headers, String body, boolean timedOut, String error) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  public static Reply exchange(int port, byte[] request, int timeoutMs) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      s.setSoTimeout(timeoutMs);
      String writeError = null;
      try {
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
      } catch (IOException e) {
        writeError = "write: " + e.getMessage(); // the server may answer and close before the body is in
      }
      InputStream in = new BufferedInputStream(s.getInputStream());
      String head = readHead(in);
      if (head == null) {
        return new Reply(-1, Map.of(), "", false, writeError != null ? writeError : "closed without an answer");
      }
      String[] lines = head.split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      int status = statusLine.length > 1 && statusLine[1].matches("\\d{3}") ? Integer.parseInt(statusLine[1]) : -1;
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
      }
      String type = headers.getOrDefault("content-type", "");
      if (type.startsWith("text/event-stream")) {
        return new Reply(status, headers, "", false, null); // a stream: it answered, and it stays open
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (body.size() < KEEP) {
          body.write(buf, 0, Math.min(n, KEEP - body.size()));
        }
      }
      return new Reply(status, headers, body.toString(StandardCharsets.UTF_8), false, null);
    } catch (SocketTimeoutException e) {
      return new Reply(-1, Map.of(), "", true, "no answer within " + timeoutMs + " ms");
    } catch (IOException e) {
      return new Reply(-1, Map.of(), "", false, e.toString());
    }
  }

  /** The status line and headers, up to the blank line; null if the connection ended first. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b; (b = in.read()) >= 0; ) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
      if (head.size() > 64 * 1024) {
        throw new IOException("response headers past 64 KiB");
      }
    }
    return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1) + "\r\n";
  }
}
