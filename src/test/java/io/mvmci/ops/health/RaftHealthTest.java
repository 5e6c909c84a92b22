package io.mvmci.ops.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.replication.RaftStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RaftHealthTest {
  static RaftStatus status(String role, String lifecycle, String sm, Integer leader, boolean leaderReady,
      long commit, long applied) {
    return new RaftStatus(1, role, lifecycle, sm, 3, Optional.ofNullable(leader), leaderReady, commit, applied,
        applied, -1);
  }

  @Test
  void aFollowerWithALeaderThatHasCaughtUpIsReady() {
    RaftStatus s = status("FOLLOWER", "RUNNING", "RUNNING", 2, false, 100, 95);
    assertThat(RaftHealth.notReadyReason(s, 10)).isNull();
    assertThat(RaftHealth.live(s)).isTrue();
  }

  @Test
  void aFollowerFarBehindIsLiveButNotReady() {
    RaftStatus s = status("FOLLOWER", "RUNNING", "RUNNING", 2, false, 1000, 10);
    assertThat(RaftHealth.notReadyReason(s, 100)).contains("990 entries behind");
    assertThat(RaftHealth.live(s)).isTrue();
  }

  @Test
  void aCandidateWithoutLeaderIsNotReady() {
    RaftStatus s = status("CANDIDATE", "RUNNING", "RUNNING", null, false, 10, 10);
    assertThat(RaftHealth.notReadyReason(s, 100)).contains("no leader");
    assertThat(RaftHealth.live(s)).isTrue();
  }

  @Test
  void aLeaderIsReadyOnlyOnceItsFirstEntryCommitted() {
    assertThat(RaftHealth.notReadyReason(status("LEADER", "RUNNING", "RUNNING", 1, false, 5, 5), 100))
        .contains("just elected");
    assertThat(RaftHealth.notReadyReason(status("LEADER", "RUNNING", "RUNNING", 1, true, 5, 5), 100)).isNull();
  }

  @Test
  void aPausedStateMachineIsNotReady() {
    assertThat(RaftHealth.notReadyReason(status("FOLLOWER", "RUNNING", "PAUSED", 2, false, 5, 5), 100))
        .contains("snapshot");
  }

  @Test
  void aClosedOrFailedDivisionIsNeitherLiveNorReady() {
    for (String lc : new String[] {"CLOSED", "EXCEPTION", "CLOSING"}) {
      RaftStatus s = status("FOLLOWER", lc, "RUNNING", 2, false, 5, 5);
      assertThat(RaftHealth.live(s)).as(lc).isFalse();
      assertThat(RaftHealth.notReadyReason(s, 100)).as(lc).contains(lc).contains("restart");
    }
  }

  @Test
  void aStartingDivisionIsLiveButNotReady() {
    RaftStatus s = status("FOLLOWER", "STARTING", "RUNNING", null, false, -1, -1);
    assertThat(RaftHealth.live(s)).isTrue();
    assertThat(RaftHealth.notReadyReason(s, 100)).contains("STARTING");
  }
}
