package io.mvmci.api;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Completes {@code /openapi.json} where annotations would repeat themselves on every operation: who
 * may call it (the security schemes, by the same rule as {@link InternalAuthFilter#need}), and the
 * problem+json answers every operation can give. Request bodies and success answers are annotated on
 * the controllers.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {
  static final String PROBLEM = "application/problem+json";

  /**
   * Schemas named as the API writes them: snake_case, as Boot's Jackson is configured
   * ({@code spring.jackson.property-naming-strategy}); springdoc models types with its own mapper.
   */
  @Bean
  io.swagger.v3.core.jackson.ModelResolver snakeCaseSchemas() {
    return new io.swagger.v3.core.jackson.ModelResolver(io.swagger.v3.core.util.Json.mapper().copy()
        .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE));
  }

  @Bean
  OpenApiCustomizer problemsAndSecurity() {
    return api -> {
      api.getComponents().addSchemas("Problem", problemSchema());
      api.getComponents().getSecuritySchemes().remove("bearer");
      api.getComponents()
          .addSecuritySchemes("apiToken", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
              .description("[api] token (or secret_api). Only when [api] token is set; without it these"
                  + " endpoints are open."))
          .addSecuritySchemes("session", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
              .in(SecurityScheme.In.COOKIE).name("mvmci_session").description("The dashboard's session"
                  + " (POST /api/v1/session); a request that changes something also sends X-CSRF-Token."))
          .addSecuritySchemes("secretApi", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
              .description("secret_api: administration (tickets, module deploys, backups)."))
          .addSecuritySchemes("workerTicket", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
              .description("A worker ticket's token (or secret_api): the worker endpoints."));
      api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
        op.setSecurity(security(method.name(), path));
        addProblems(path, method, op);
      }));
    };
  }

  private static List<SecurityRequirement> security(String method, String path) {
    String concrete = path.replaceAll("\\{[^}]+}", "x");
    return switch (InternalAuthFilter.need(method, concrete)) {
      case ADMIN -> List.of(new SecurityRequirement().addList("secretApi"));
      case WORKER -> List.of(new SecurityRequirement().addList("workerTicket"),
          new SecurityRequirement().addList("secretApi"));
      case NONE -> path.equals("/api/v1/session")
          ? List.of() : List.of(new SecurityRequirement(), new SecurityRequirement().addList("apiToken"),
          new SecurityRequirement().addList("session"));
    };
  }

  private static void addProblems(String path, PathItem.HttpMethod method, Operation op) {
    ApiResponses r = op.getResponses();
    problem(r, "400", "Invalid request: the detail says what to fix, field names the field at fault");
    problem(r, "401", "A credential is needed (see security), or the one sent is wrong");
    if (path.startsWith("/api/v1/tickets") || path.startsWith("/api/v1/workers/") || path.startsWith("/api/v1/admin")
        || (path.startsWith("/api/v1/modules/") && method != PathItem.HttpMethod.GET) || method != PathItem.HttpMethod.GET) {
      problem(r, "403", "A worker ticket where secret_api is needed, or a session change without X-CSRF-Token");
    }
    if (path.contains("{")) {
      problem(r, "404", "No such job, module, ticket or schedule");
    }
    if (method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.DELETE) {
      problem(r, "409", "The job, module or schedule is not in a state that allows this (a schedule: its id exists)");
    }
    if (op.getRequestBody() != null) {
      problem(r, "413", "The body is larger than [api] max_body_bytes (modules: max_module_bytes)");
      problem(r, "415", "The body's Content-Type is not one this operation takes");
    }
    problem(r, "500", "The node failed to answer; its log says why");
    problem(r, "503", "No leader or no quorum now, or the node is loading a snapshot: retry (Retry-After)");
  }

  private static void problem(ApiResponses r, String code, String description) {
    if (r.get(code) == null) {
      r.addApiResponse(code, new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM,
          new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")))));
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema<?> problemSchema() {
    Schema s = new Schema<>().type("object").description("RFC 9457 problem details");
    s.setProperties(new java.util.LinkedHashMap<>(Map.of(
        "type", new Schema<>().type("string").format("uri").example("urn:mvmci:problem:invalid-job"),
        "title", new Schema<>().type("string"),
        "status", new Schema<>().type("integer"),
        "detail", new Schema<>().type("string").description("what went wrong and what to fix"),
        "instance", new Schema<>().type("string"),
        "field", new Schema<>().type("string").description("the request field at fault, where there is one"))));
    s.setRequired(List.of("type", "title", "status"));
    return s;
  }

}
