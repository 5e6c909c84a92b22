package io.mvmci.api;

import io.mvmci.queue.Consistency;
import org.springframework.http.HttpHeaders;

/** Query parameters and headers shared by the read endpoints. */
final class ReadParams {
  /** The response header that says which consistency a read got. */
  static final String CONSISTENCY_HEADER = "Mvmci-Consistency";

  private ReadParams() {}

  static Consistency consistency(String param) {
    if (param == null || param.isEmpty()) {
      return Consistency.LINEARIZABLE;
    }
    Consistency c = Consistency.parse(param);
    if (c == null) {
      throw new BadRequestException("consistency",
          "consistency must be \"linearizable\" or \"local\", not \"" + param + "\"");
    }
    return c;
  }

  static HttpHeaders headers(Consistency c) {
    HttpHeaders h = new HttpHeaders();
    h.set(CONSISTENCY_HEADER, c.wireName());
    return h;
  }
}
