package io.mvmci.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A Server-Sent Events client for tests: reads one stream on a thread of its own and queues its
 * events (comments and id-only blocks are not events, but their id is kept as {@link #lastId}).
 */
public final class SseClient implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One event: its id (the last one set), its type, its data. */
  public record Event(String id, String event, String data) {
    public JsonNode json() {
      return Http.JSON.readTree(data);
    }
  }

  public final int status;
  public final String contentType;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final InputStream body;
  private final Thread reader;
  private volatile String lastId;
  private volatile boolean ended;

  private SseClient(HttpResponse<InputStream> r) {
    this.status = r.statusCode();
    this.contentType = r.headers().firstValue("Content-Type").orElse("");
    this.body = r.body();
    this.reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code url} with headers given as name, value, ...; answers once the response has begun. */
  public static SseClient open(String url, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return new SseClient(CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String type = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(lastId, type == null ? "message" : type, data.toString()));
          }
          type = null;
          data = null;
        } else if (line.startsWith("id:")) {
          lastId = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          String d = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
          data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
        }
      }
    } catch (IOException e) {
      // closed
    } finally {
      ended = true;
    }
  }

  /** The next event that {@code which} accepts (others are skipped), or an assertion error after the wait. */
  public Event await(Predicate<Event> which, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (e == null) {
        throw new AssertionError("no matching event within " + wait + (ended ? " (the stream ended)" : ""));
      }
      if (which.test(e)) {
        return e;
      }
    }
  }

  /** An event of this type about job {@code jobId} (its data's {@code job_id}). */
  public static Predicate<Event> about(String type, String jobId) {
    return e -> e.event().equals(type) && e.data().contains("\"job_id\":\"" + jobId + "\"");
  }

  public String lastId() {
    return lastId;
  }

  /** Whether the server ended the stream. */
  public boolean ended() {
    return ended;
  }

  /** Waits until the server ends the stream; false if it did not within {@code wait}. */
  public boolean awaitEnd(Duration wait) throws InterruptedException {
    reader.join(wait.toMillis());
    return ended;
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
