package io.mvmci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void buildRuns() {
    assertEquals(4, 2 + 2);
  }
}
