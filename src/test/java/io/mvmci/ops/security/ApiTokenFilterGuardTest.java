package io.mvmci.ops.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.ops.security.ApiTokenFilter.Guard;
import org.junit.jupiter.api.Test;

class ApiTokenFilterGuardTest {
  @Test
  void publicEndpointsAreGuarded() {
    for (String p : new String[] {"/new-job", "/queue/list", "/queue/stats", "/api/v1/jobs", "/api/v1/jobs/job-1",
        "/api/v1/jobs/job-1/cancel", "/api/v1/jobs/job-1/logs", "/api/v1/stats", "/api/v1/modules", "/api/v1/schedules",
        "/api/v1/schedules/nightly", "/api/v1/schedules/nightly/trigger"}) {
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
        "/api/v1/admin/backup", "/openapi.json", "/api/v1/jobsx", "/api/v1/schedulesx"}) {
      assertThat(ApiTokenFilter.guard(p)).as(p).isEqualTo(Guard.NONE);
    }
  }
}
