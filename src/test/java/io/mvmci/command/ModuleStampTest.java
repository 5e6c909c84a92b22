package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.JobStatus;
import io.mvmci.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A claim decides, in the log, the exact module version each attempt runs. */
class ModuleStampTest {
  static final long T = 1_700_000_000_000L;

  @TempDir Path dir;
  StoreFixture db;

  @BeforeEach
  void open() throws Exception {
    db = StoreFixture.seeded(dir.resolve("q.sqlite"));
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static SubmitJob submit(String workflow) {
    return new SubmitJob(T, workflow, "{}", null, 0, 0, 3, 60_000, null);
  }

  List<Result.ClaimedJob> claim(long at, int max) throws Exception {
    return ((Result.Claimed) db.one(new ClaimJobs(at, "w", max, 60_000))).jobs();
  }

  @Test
  void eachAttemptRunsTheLatestVersionAsOfItsClaimAndARedeployShowsPerAttempt() throws Exception {
    String v1 = StoreFixture.sha256(bytes("module noop"));
    db.apply(submit("noop"), submit("noop"));
    Result.ClaimedJob first = claim(T + 1, 1).get(0);
    assertThat(first.moduleSha256()).isEqualTo(v1);

    byte[] v2wasm = bytes("noop v2");
    String v2 = StoreFixture.sha256(v2wasm);
    assertThat(db.one(new DeployModule(T + 2, "noop", v2, v2wasm))).isEqualTo(new Result.Ack());
    assertThat(db.job(0).moduleSha256()).as("a claimed attempt keeps its version").isEqualTo(v1);
    assertThat(claim(T + 3, 1).get(0).moduleSha256()).as("a claim after the deploy").isEqualTo(v2);
    assertThat(db.job(1).moduleSha256()).isEqualTo(v2);

    // job-0's worker hands it back; its next attempt runs the version latest at that claim
    db.one(new ReleaseJob(T + 4, "w", first.ref(), "stopping"));
    Result.ClaimedJob again = claim(T + 5, 1).get(0);
    assertThat(again.ref()).isEqualTo(new JobRef(0, 2));
    assertThat(again.moduleSha256()).isEqualTo(v2);
    assertThat(db.store.queries().events(0)).filteredOn(e -> e.status() == JobStatus.InProgress)
        .extracting(e -> e.attempt() + ":" + e.moduleSha256())
        .containsExactly("1:" + v1, "2:" + v2);
  }

  @Test
  void aJobWhoseWorkflowHasNoStoredVersionWaitsAndOthersAreClaimedPastIt() throws Exception {
    db.apply(submit("noop"), submit("later"), submit("later"), submit("noop"));
    assertThat(claim(T + 1, 2)).extracting(j -> j.ref().seq()).containsExactly(0L, 3L);
    assertThat(claim(T + 2, 2)).isEmpty();
    assertThat(db.job(1).status()).isEqualTo(JobStatus.Pending);

    byte[] wasm = bytes("later v1");
    assertThat(db.one(new SeedModule(T + 3, "later", StoreFixture.sha256(wasm), wasm)))
        .isEqualTo(new Result.Seeded(true));
    assertThat(claim(T + 4, 5)).extracting(j -> j.ref().seq()).containsExactly(1L, 2L);
  }

  @Test
  void seedingNeverMovesAKnownVersionButDeployingDoes() throws Exception {
    byte[] v1 = bytes("module noop");
    byte[] v2 = bytes("noop v2");
    db.one(new DeployModule(T, "noop", StoreFixture.sha256(v2), v2));
    assertThat(db.one(new SeedModule(T + 1, "noop", StoreFixture.sha256(v1), v1)))
        .as("an older jar's bundled version").isEqualTo(new Result.Seeded(false));
    db.one(submit("noop"));
    assertThat(claim(T + 2, 1).get(0).moduleSha256()).isEqualTo(StoreFixture.sha256(v2));

    db.one(new DeployModule(T + 3, "noop", StoreFixture.sha256(v1), v1));
    db.one(submit("noop"));
    assertThat(claim(T + 4, 1).get(0).moduleSha256()).as("a deploy moves a known version to the top")
        .isEqualTo(StoreFixture.sha256(v1));
  }

  @Test
  void malformedModuleCommandsAreRefusedAndChangeNothing() throws Exception {
    byte[] wasm = bytes("x");
    assertThat(db.one(new DeployModule(T, "bad\"name", StoreFixture.sha256(wasm), wasm)))
        .isInstanceOfSatisfying(Result.Rejected.class, r -> assertThat(r.message()).contains("invalid module name"));
    assertThat(db.one(new SeedModule(T, "noop", "00", wasm)))
        .isInstanceOfSatisfying(Result.Rejected.class, r -> assertThat(r.message()).contains("do not match"));
    db.one(submit("noop"));
    assertThat(claim(T + 1, 1).get(0).moduleSha256()).isEqualTo(StoreFixture.sha256(bytes("module noop")));
  }
}
