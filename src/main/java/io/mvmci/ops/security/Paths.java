package io.mvmci.ops.security;

import jakarta.servlet.http.HttpServletRequest;

/** The path a request is routed by, as the servlet container decoded and normalized it. */
final class Paths {
  private Paths() {}

  /**
   * Servlet path plus path info: percent-decoded, dot segments resolved, {@code ;parameters}
   * removed. Never the raw request URI: {@code /queue;x=1/list} or {@code /%71ueue/list} reach the
   * same controller as {@code /queue/list}, and a check on the raw URI would let them through.
   */
  static String of(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String info = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
    return path.isEmpty() ? "/" : path;
  }
}
