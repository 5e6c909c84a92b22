package io.mvmci.api;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Whether this node hands out work, and lifting a pause ({@link ClaimPause}); secret_api only. */
@RestController
@RequestMapping("/api/v1/admin/claims")
class ClaimsController {
  private final ClaimPause pause;

  ClaimsController(ClaimPause pause) {
    this.pause = pause;
  }

  record State(boolean paused) {}

  @GetMapping
  State state() {
    return new State(pause.paused());
  }

  /** Lifts the pause on this node: its embedded worker starts claiming, its remote workers' claims are served. */
  @PostMapping("/resume")
  State resume() {
    pause.resume();
    return new State(pause.paused());
  }
}
