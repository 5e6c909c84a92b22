package io.mvmci.ops.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.ops.security.ApiTokenFilter.Guard;
import org.junit.jupiter.api.Test;

class ApiTokenFilterGuardTest {
  @Test
  void everythingButHealthAndTheInternalEndpointsIsGuarded() {
    for (String p : new String[] {"/new-job", "/queue/list", "/queue/stats", "/api/v1/jobs", "/api/v1/jobs/job-1",
        "/api/v1/jobs/job-1/cancel", "/api/v1/jobs/job-1/logs", "/api/v1/stats", "/api/v1/modules",
        "/api/v1/workers", "/api/v1/cluster", "/api/v1/cluster/consistency", "/openapi.json", "/openapi.json/swagger-config", "/api/v1/jobsx",
        "/no/such/endpoint", "/error", "/api/v1/events", "/api/v1/sessionx", "/assetsx", "/index.htm"}) {
      assertThat(ApiTokenFilter.guard(p)).as(p).isEqualTo(Guard.PUBLIC);
    }
  }

  @Test
  void healthIsOpenOtherActuatorEndpointsAreGuarded() {
    assertThat(ApiTokenFilter.guard("/actuator/health")).isEqualTo(Guard.HEALTH);
    assertThat(ApiTokenFilter.guard("/actuator/health/readiness")).isEqualTo(Guard.HEALTH);
    assertThat(ApiTokenFilter.guard("/actuator/healthz")).isEqualTo(Guard.ACTUATOR);
    assertThat(ApiTokenFilter.guard("/actuator/prometheus")).isEqualTo(Guard.ACTUATOR);
    assertThat(ApiTokenFilter.guard("/actuator")).isEqualTo(Guard.ACTUATOR);
  }

  @Test
  void workerAndAdminEndpointsAreLeftToTheInternalFilter() {
    for (String p : new String[] {"/api/v1/workers/claim", "/api/v1/tickets", "/api/v1/modules/crawler",
        "/api/v1/admin/backup"}) {
      assertThat(ApiTokenFilter.guard(p)).as(p).isEqualTo(Guard.NONE);
    }
  }

  @Test
  void theDashboardShellAndItsLoginAreOpenSoABrowserCanAskForTheToken() {
    for (String p : new String[] {"/", "/index.html", "/assets/app.js", "/api/v1/session"}) {
      assertThat(ApiTokenFilter.guard(p)).as(p).isEqualTo(Guard.NONE);
    }
  }
}
