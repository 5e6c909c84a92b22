package io.mvmci.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /openapi.json} is a description a client can be generated from: it parses and validates as
 * OpenAPI 3 (swagger-parser, what the generators use), it documents request bodies, the real success
 * codes, problem+json errors and security; and every operation it documents, called on a real node as
 * a generated client would call it (parameters filled in, a body built from the documented schema),
 * exists and answers one of the statuses documented for it.
 */
class OpenApiTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static TestNode node;
  static OpenAPI api;
  static String raw;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(dirs.create("mvmci-openapi"), 1, "\n[workers]\nembedded = 1\n").get(0).start();
    raw = Http.get(node.url("/openapi.json")).body();
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(raw, null, options);
    assertThat(parsed.getMessages()).as("validation messages").isEmpty();
    api = parsed.getOpenAPI();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void submissionHasItsBodyItsCreatedAnswerProblemsAndSecurity() {
    Operation submit = api.getPaths().get("/api/v1/jobs").getPost();
    Schema<?> body = resolve(submit.getRequestBody().getContent().get("application/json").getSchema());
    assertThat(body.getProperties().keySet()).as("the fields the parser accepts")
        .containsExactlyInAnyOrderElementsOf(SubmitRequests.FIELDS);
    assertThat(submit.getResponses()).containsKeys("201", "200", "400", "413", "415", "503");
    Schema<?> job = resolve(submit.getResponses().get("201").getContent().get("application/json").getSchema());
    assertThat(job.getProperties()).as("named as the API writes them").containsKeys("job_id", "status", "created_at",
        "progress_message");
    assertThat(submit.getResponses().get("400").getContent()).containsKey("application/problem+json");
    assertThat(api.getPaths().get("/new-job").getPost().getRequestBody().getContent())
        .containsKeys("application/x-www-form-urlencoded", "application/json");
    assertThat(api.getPaths().get("/new-job").getPost().getResponses()).containsKey("201");
    assertThat(api.getComponents().getSecuritySchemes()).containsKeys("apiToken", "secretApi", "workerTicket", "session");
    assertThat(api.getPaths().get("/api/v1/modules/{name}").getPost().getSecurity().get(0).keySet())
        .containsExactly("secretApi");
    assertThat(api.getPaths().get("/api/v1/jobs/{id}/retry").getPost().getResponses()).containsKeys("200", "404", "409");
    assertThat(api.getPaths().get("/api/v1/events").getGet().getResponses().get("200").getContent())
        .containsKey("text/event-stream");
  }

  @Test
  void schedulesHaveTheirBodyTheirAnswersAndTheirProblems() {
    Operation create = api.getPaths().get("/api/v1/schedules").getPost();
    Schema<?> body = resolve(create.getRequestBody().getContent().get("application/json").getSchema());
    assertThat(body.getProperties().keySet()).as("the fields the parser accepts")
        .containsExactlyInAnyOrderElementsOf(ScheduleRequests.FIELDS);
    assertThat(create.getResponses()).containsKeys("201", "400", "409", "503");
    assertThat(create.getResponses().get("400").getContent()).containsKey("application/problem+json");
    Schema<?> view = resolve(create.getResponses().get("201").getContent().get("application/json").getSchema());
    assertThat(view.getProperties()).containsKeys("id", "cron", "time_zone", "overlap", "catch_up", "next_fire_at",
        "counts", "recent_fires");
    PathItem one = api.getPaths().get("/api/v1/schedules/{id}");
    assertThat(one.getPut().getResponses()).containsKeys("200", "201", "400");
    assertThat(one.getGet().getResponses()).containsKeys("200", "404");
    assertThat(one.getDelete().getResponses()).containsKeys("204", "404");
    for (String action : new String[] {"pause", "resume", "trigger"}) {
      assertThat(api.getPaths().get("/api/v1/schedules/{id}/" + action).getPost().getResponses()).as(action)
          .containsKeys("200", "404");
    }
  }

  @Test
  void everyDocumentedOperationExistsAndAnswersADocumentedStatus() throws Exception {
    String job = Http.post(node.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"noop\"}").json()
        .get("job_id").asString();
    String noopSha = Http.get(node.url("/api/v1/modules")).json().valueStream()
        .filter(m -> m.get("name").asString().equals("noop")).findFirst().orElseThrow().get("sha256").asString();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<String> wrong = new ArrayList<>();
    int called = 0;
    for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> o : p.getValue().readOperationsMap().entrySet()) {
        String path = p.getKey().replace("{id}", job).replace("{name}", "noop").replace("{sha256}", noopSha);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url(path))).timeout(Duration.ofSeconds(30));
        byte[] body = new byte[0];
        String type = null;
        if (o.getValue().getRequestBody() != null) {
          Map.Entry<String, MediaType> first = o.getValue().getRequestBody().getContent().entrySet().iterator().next();
          type = first.getKey();
          body = sample(type, first.getValue().getSchema());
          b.header("Content-Type", type);
        }
        b.method(o.getKey().name(), body.length == 0 && type == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close(); // an event stream answers and stays open: its status is what matters here
        called++;
        String status = Integer.toString(r.statusCode());
        if (!o.getValue().getResponses().containsKey(status)) {
          wrong.add(o.getKey() + " " + p.getKey() + " answered " + status + ", documented "
              + o.getValue().getResponses().keySet());
        }
      }
    }
    assertThat(called).isGreaterThan(35);
    assertThat(wrong).isEmpty();
  }

  private static Schema<?> resolve(Schema<?> s) {
    if (s != null && s.get$ref() != null) {
      return api.getComponents().getSchemas().get(s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1));
    }
    return s;
  }

  /** A body as a generated client would send it: each documented property with a value of its type. */
  private static byte[] sample(String type, Schema<?> schema) throws Exception {
    if (type.equals("application/wasm")) {
      return Files.readAllBytes(Path.of("workflows/noop/noop.wasm"));
    }
    Schema<?> s = resolve(schema);
    if (type.equals("application/x-www-form-urlencoded")) {
      return "url=https://example.com".getBytes(StandardCharsets.UTF_8);
    }
    ObjectNode out = Http.JSON.createObjectNode();
    if (s != null && s.getProperties() != null) {
      s.getProperties().forEach((name, prop) -> {
        Schema<?> p = resolve(prop);
        Object example = p.getExample();
        String t = p.getType() != null ? p.getType() : p.getTypes() == null ? "object" : p.getTypes().iterator().next();
        switch (t) {
          case "string" -> out.put(name, example != null ? example.toString()
              : "date-time".equals(p.getFormat()) ? "2030-01-01T00:00:00Z" : "x");
          case "integer" -> out.put(name, 1);
          case "boolean" -> out.put(name, true);
          case "array" -> out.putArray(name);
          default -> out.putObject(name);
        }
      });
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
