package io.mvmci.api;

import io.mvmci.live.Sink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * A Server-Sent Events response held open, written with the servlet's non-blocking output: the feed
 * thread queues frames and writes what the connection takes at once; the container calls back when
 * more can go. No thread waits on a slow client. A client that lets more than {@code maxQueuedBytes}
 * pile up is disconnected (its browser reconnects with its last event id and catches up).
 */
final class SseStream implements Sink, WriteListener, AsyncListener {
  private final AsyncContext async;
  private final ServletOutputStream out;
  private final long maxQueuedBytes;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private long queued;
  private boolean unflushed;
  /** Closing: what is queued still goes out, then the response completes. */
  private volatile boolean closing;
  private volatile boolean closed;

  private SseStream(AsyncContext async, ServletOutputStream out, long maxQueuedBytes) {
    this.async = async;
    this.out = out;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** Switches the request to an open event stream; nothing is sent until {@link #send}. */
  static SseStream open(HttpServletRequest request, HttpServletResponse response, long maxQueuedBytes)
      throws IOException {
    response.setStatus(200);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-cache, no-transform");
    response.setHeader("X-Accel-Buffering", "no");
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    SseStream s = new SseStream(async, response.getOutputStream(), maxQueuedBytes);
    async.addListener(s);
    s.out.setWriteListener(s);
    return s;
  }

  @Override
  public boolean send(byte[] chunk) {
    synchronized (this) {
      if (closed || closing) {
        return false;
      }
      if (queued + chunk.length > maxQueuedBytes) {
        abortLocked();
        return false;
      }
      queue.add(chunk);
      queued += chunk.length;
      drainLocked();
      return !closed;
    }
  }

  /** Writes while the connection takes it; asking {@code isReady} when it does not arms the callback. */
  private void drainLocked() {
    try {
      while (out.isReady()) {
        byte[] next = queue.poll();
        if (next == null) {
          if (!unflushed) {
            if (closing) {
              abortLocked();
            }
            return;
          }
          unflushed = false;
          out.flush();
          continue;
        }
        queued -= next.length;
        out.write(next);
        unflushed = true;
      }
    } catch (IOException | IllegalStateException e) {
      abortLocked();
    }
  }

  @Override
  public void onWritePossible() {
    synchronized (this) {
      if (!closed) {
        drainLocked();
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      abortLocked();
    }
  }

  /** Ends the stream once what is queued has gone out. */
  @Override
  public void close() {
    synchronized (this) {
      if (!closed && !closing) {
        closing = true;
        drainLocked();
      }
    }
  }

  /** Ends the stream now, dropping what is queued. */
  private void abortLocked() {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    try {
      async.complete();
    } catch (IllegalStateException e) {
      // already completed by the container (the client went away)
    }
  }

  @Override
  public boolean closed() {
    return closed || closing;
  }

  @Override
  public void onComplete(AsyncEvent event) {
    closed = true;
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    synchronized (this) {
      abortLocked();
    }
  }

  @Override
  public void onError(AsyncEvent event) {
    synchronized (this) {
      abortLocked();
    }
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
  }
}
