package io.mvmci.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP API of one node: JSON calls, and Server-Sent Events read line by line. */
final class Client {
  static final ObjectMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  Client(String url, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  JsonNode get(String path) {
    return send(request(path).GET());
  }

  /** A POST with {@code headers} given as name, value, ... */
  JsonNode post(String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  JsonNode put(String path, String contentType, byte[] body) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType));
  }

  JsonNode delete(String path) {
    return send(request(path).DELETE());
  }

  JsonNode post(String path, String bearer, String contentType, byte[] body) {
    HttpRequest.Builder b = request(path, bearer).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", contentType);
    return send(b);
  }

  JsonNode get(String path, String bearer) {
    return send(request(path, bearer).GET());
  }

  JsonNode delete(String path, String bearer) {
    return send(request(path, bearer).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    return request(path, token);
  }

  private HttpRequest.Builder request(String path, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(70))
        .header("Accept", "application/json");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return b;
  }

  private JsonNode send(HttpRequest.Builder b) {
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ClientExit.UNAVAILABLE, "interrupted");
    }
    JsonNode body = parse(r.body());
    if (r.statusCode() / 100 != 2) {
      throw refused(r.statusCode(), body);
    }
    return body;
  }

  /**
   * Saves the bytes at {@code path} to {@code target} (through a temporary file beside it, renamed
   * once whole); returns the number of bytes. A problem answer is a {@link ClientException}.
   */
  long download(String path, java.nio.file.Path target) {
    java.nio.file.Path tmp = target.resolveSibling(target.getFileName() + ".part");
    HttpResponse<java.nio.file.Path> r;
    try {
      r = http.send(request(path).header("Accept", "*/*").GET().build(), HttpResponse.BodyHandlers.ofFile(tmp));
      if (r.statusCode() / 100 != 2) {
        String body = java.nio.file.Files.readString(tmp);
        java.nio.file.Files.deleteIfExists(tmp);
        throw refused(r.statusCode(), parse(body));
      }
      java.nio.file.Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return java.nio.file.Files.size(target);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ClientExit.UNAVAILABLE, "interrupted");
    }
  }

  private ClientException unreachable(IOException e) {
    String why = e instanceof ConnectException ? "connection refused"
        : e instanceof HttpTimeoutException ? "timed out" : String.valueOf(e.getMessage());
    return new ClientException(ClientExit.UNAVAILABLE, "cannot reach " + base + ": " + why);
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (RuntimeException e) {
      return JSON.createObjectNode().put("detail", body.strip());
    }
  }

  private static ClientException refused(int status, JsonNode problem) {
    String detail = problem.path("detail").asString(problem.path("title").asString("HTTP " + status));
    return new ClientException(ClientExit.ofStatus(status), detail + " (HTTP " + status + ")");
  }

  /** An event of a stream: its id (the last one set), type and data. */
  record Event(String id, String type, String data) {
    JsonNode json() {
      return JSON.readTree(data);
    }
  }

  interface Handler {
    /** Answers false to stop reading. */
    boolean on(Event e);
  }

  /**
   * Reads the stream at {@code path} until the handler says stop or the server ends it; answers the
   * last event id seen (to resume from), or {@code lastId} if none came.
   */
  String stream(String path, String lastId, Handler handler) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (lastId != null) {
      b.header("Last-Event-ID", lastId);
    }
    HttpResponse<java.io.InputStream> r;
    try {
      r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ClientExit.UNAVAILABLE, "interrupted");
    }
    String id = lastId;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      if (r.statusCode() != 200) {
        StringBuilder all = new StringBuilder();
        in.lines().forEach(all::append);
        throw refused(r.statusCode(), parse(all.toString()));
      }
      String type = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          // a block without data (a heartbeat, an id) is a "ping": the handler may stop on its clock
          Event e = data != null ? new Event(id, type == null ? "message" : type, data.toString())
              : new Event(id, "ping", "");
          if (!handler.on(e)) {
            return id;
          }
          type = null;
          data = null;
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          String d = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
          data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
        }
      }
    } catch (IOException e) {
      // the stream broke: the caller resumes from the id it has
    }
    return id;
  }
}
