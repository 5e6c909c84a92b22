package io.mvmci.api;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads every request body without a thread waiting for it, before any controller sees the request,
 * and within a deadline: a body sent a byte at a time no longer holds one of the request threads
 * (the health probes' too) for as long as the client likes.
 *
 * <p>It runs after the credential filters, so a request is refused before its body is read. A body
 * of declared length (up to 64 KiB) that arrived whole with the headers, as small ones mostly do, is
 * taken from the container's buffer and passed on at once. For any other request with a body it starts
 * an {@code AsyncContext} and reads the rest with a {@link ReadListener}; once the whole body is in
 * memory it dispatches the request again, with the body buffered, to the controllers.
 * A body over its endpoint's cap is a 413 as soon as it is declared or read; one that has not arrived
 * {@code [api] body_timeout_ms} after its headers is a 408; while more than {@link #budget} bytes of
 * bodies are being read at once, a new one is a 503. Each of these closes the connection without
 * reading further.
 */
final class BodyReadFilter implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(BodyReadFilter.class);
  /** The request attribute holding the body once it is read. */
  static final String BODY = BodyReadFilter.class.getName() + ".body";
  /**
   * The cap of an endpoint that reads its body as a stream itself (artifact uploads: up to
   * gigabytes, spooled to disk under their own cap); such a body is not buffered here.
   */
  static final long STREAMED = -1;

  private final ObjectMapper json;
  private final long timeoutMs;
  private final ToLongFunction<String> capOfPath;
  private final long budget;
  private final AtomicLong inFlight = new AtomicLong();
  /** The largest declared body looked for in the container's buffer before reading asynchronously. */
  private static final int AT_ONCE_MAX = 64 * 1024;
  private static final byte[] NONE = new byte[0];

  /**
   * @param capOfPath the most body bytes the endpoint at a path takes
   * @param budget the most bytes of bodies being read at one time
   */
  BodyReadFilter(ObjectMapper json, long timeoutMs, ToLongFunction<String> capOfPath, long budget) {
    this.json = json;
    this.timeoutMs = timeoutMs;
    this.capOfPath = capOfPath;
    this.budget = budget;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    if (request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(BODY) instanceof byte[] body) {
      chain.doFilter(new Buffered(request, body), response);
      return;
    }
    if (request.getDispatcherType() != DispatcherType.REQUEST || !EarlyAnswers.hasBody(request)
        || !request.isAsyncSupported()) {
      chain.doFilter(request, response);
      return;
    }
    long cap = capOfPath.applyAsLong(InternalAuthFilter.routedPath(request));
    if (cap == STREAMED) {
      chain.doFilter(request, response);
      return;
    }
    long declared = request.getContentLengthLong();
    if (declared > cap) {
      EarlyAnswers.problem(request, response, json, EarlyAnswers.of(HttpStatus.CONTENT_TOO_LARGE,
          "payload-too-large", "request body exceeds " + cap + " bytes"));
      return;
    }
    byte[] arrived;
    try {
      arrived = declared > 0 && declared <= AT_ONCE_MAX ? readArrived(request, (int) declared) : NONE;
    } catch (IOException e) {
      LOG.debug("reading a request body failed: {}", e.toString());
      EarlyAnswers.problem(request, response, json, EarlyAnswers.of(HttpStatus.BAD_REQUEST, "malformed-body",
          "the request body could not be read: it ended early"));
      return;
    }
    if (arrived.length == declared) {
      chain.doFilter(new Buffered(request, arrived), response);
      return;
    }
    long reserved = declared > 0 ? declared : cap;
    if (inFlight.addAndGet(reserved) > budget) {
      inFlight.addAndGet(-reserved);
      response.setHeader("Retry-After", "1");
      EarlyAnswers.problem(request, response, json, EarlyAnswers.of(HttpStatus.SERVICE_UNAVAILABLE,
          "unavailable", "this node is reading " + budget + " bytes of request bodies already; retry"));
      return;
    }
    AsyncContext async = request.startAsync(request, response);
    async.setTimeout(timeoutMs);
    new Reading(async, request, response, cap, reserved, arrived).start();
  }

  /**
   * The body's bytes that are in the container's buffer already, read without waiting: a small body
   * usually arrives with its headers, and is then passed on at once, on this thread, with no
   * asynchronous read and no second dispatch through the filters. A body not all there yet is read
   * on asynchronously, from where this left it.
   */
  private static byte[] readArrived(HttpServletRequest request, int declared) throws IOException {
    ServletInputStream in = request.getInputStream();
    byte[] body = new byte[declared];
    int got = 0;
    // available() counts only what the container holds (it reads nothing from the socket in blocking
    // mode), so each read here returns at once.
    while (got < declared && in.available() > 0) {
      int n = in.read(body, got, declared - got);
      if (n < 0) {
        break;
      }
      got += n;
    }
    return got == declared ? body : java.util.Arrays.copyOf(body, got);
  }

  /** One body being read; every way it can end goes through {@link #end} once. */
  private final class Reading implements ReadListener, AsyncListener {
    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final long cap;
    private final long reserved;
    private final ByteArrayOutputStream body;
    private final byte[] chunk = new byte[8192];
    private final AtomicBoolean ended = new AtomicBoolean();
    private ServletInputStream in;

    Reading(AsyncContext async, HttpServletRequest request, HttpServletResponse response, long cap, long reserved,
        byte[] arrived) {
      this.async = async;
      this.request = request;
      this.response = response;
      this.cap = cap;
      this.reserved = reserved;
      this.body = new ByteArrayOutputStream((int) Math.min(Math.max(reserved, 0), 64 * 1024));
      this.body.write(arrived, 0, arrived.length);
    }

    void start() throws IOException {
      async.addListener(this);
      in = request.getInputStream();
      in.setReadListener(this);
    }

    @Override
    public void onDataAvailable() throws IOException {
      while (true) {
        int n;
        try {
          if (!in.isReady() || in.isFinished()) {
            return;
          }
          n = in.read(chunk);
        } catch (IOException e) {
          return; // a malformed body: the container calls onError(Throwable) next, where it is answered
        }
        if (n < 0) {
          return;
        }
        body.write(chunk, 0, n);
        if (body.size() > cap) {
          refuse(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "request body exceeds " + cap + " bytes");
          return;
        }
      }
    }

    @Override
    public void onAllDataRead() {
      if (end()) {
        request.setAttribute(BODY, body.toByteArray());
        try {
          async.setTimeout(0); // the deadline was the body's; an endpoint that waits (a long poll) sets its own
        } catch (IllegalStateException e) {
          // a container that keeps the timeout: the endpoints answer well within it
        }
        async.dispatch();
      }
    }

    /**
     * The body could not be read: a malformed chunked encoding, or a connection that ended early
     * (then nobody hears the answer). Found by ApiFuzzingTest: this once called {@link #end} before
     * {@link #refuse}, which then answered nothing, and the container turned the silence into a 500.
     */
    @Override
    public void onError(Throwable t) {
      LOG.debug("reading a request body failed: {}", t.toString());
      if (t instanceof java.net.SocketTimeoutException) {
        refuse(HttpStatus.REQUEST_TIMEOUT, "request-timeout", "the request body stopped arriving");
      } else {
        refuse(HttpStatus.BAD_REQUEST, "malformed-body", "the request body could not be read: it is malformed"
            + " (a broken chunked encoding?) or it ended early");
      }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      refuse(HttpStatus.REQUEST_TIMEOUT, "request-timeout", "the request body did not arrive within "
          + timeoutMs + " ms ([api] body_timeout_ms); send it at once");
    }

    @Override
    public void onError(AsyncEvent event) {
      refuse(HttpStatus.BAD_REQUEST, "malformed-body", "the request body could not be read: it is malformed"
          + " (a broken chunked encoding?) or it ended early");
    }

    @Override
    public void onComplete(AsyncEvent event) {
      end();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}

    /** Answers now and closes the connection, unless the reading ended already. */
    private void refuse(HttpStatus status, String type, String detail) {
      if (!end()) {
        return;
      }
      try {
        if (!response.isCommitted()) {
          response.setStatus(status.value());
          response.setHeader("Connection", "close");
          response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
          byte[] body = json.writeValueAsBytes(EarlyAnswers.of(status, type, detail));
          response.setContentLength(body.length);
          response.getOutputStream().write(body);
          // Committed with its length: after a read error the container still runs its error page (a
          // 500) once this returns, and a committed answer of known length is past its reach.
          response.flushBuffer();
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("answering {} to an unread body failed: {}", status.value(), e.toString());
      } finally {
        async.complete();
      }
    }

    /** True the first time: the reading ended here, and its bytes leave the budget. */
    private boolean end() {
      if (ended.compareAndSet(false, true)) {
        inFlight.addAndGet(-reserved);
        return true;
      }
      return false;
    }
  }

  /** The request with its body read: the stream and reader replay the buffered bytes. */
  private static final class Buffered extends HttpServletRequestWrapper {
    private final byte[] body;

    Buffered(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream bytes = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return bytes.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return bytes.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return bytes.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("the body was read already");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String charset = getCharacterEncoding();
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
          charset == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(charset)));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
