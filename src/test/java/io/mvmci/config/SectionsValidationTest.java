package io.mvmci.config;

import static io.mvmci.config.Toml.error;
import static io.mvmci.config.Toml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of [raft], [api], [workers], [jobs], the rules across them, and the top level. */
class SectionsValidationTest {
  private static final String P = "invalid configuration (test.toml): ";

  static Stream<Arguments> rules() {
    return Stream.of(
        // [raft]
        Arguments.of("election min too small", "[raft]\nelection_timeout_min_ms = 10",
            "raft.election_timeout_min_ms = 10: must be between 50 and 60000 milliseconds"),
        Arguments.of("election max not above min", "[raft]\nelection_timeout_min_ms = 800\nelection_timeout_max_ms = 800",
            "raft.election_timeout_max_ms = 800: must be greater than raft.election_timeout_min_ms (800)"),
        Arguments.of("election default max below min", "[raft]\nelection_timeout_min_ms = 1500",
            "raft.election_timeout_max_ms = 1000 (default): must be greater than raft.election_timeout_min_ms (1500)"),
        Arguments.of("consistency check too often", "[raft]\nconsistency_check_interval_ms = 500",
            "raft.consistency_check_interval_ms = 500: must be 0 (no periodic check) or at least 1000"),
        Arguments.of("rpc timeout too small", "[raft]\nrpc_timeout_ms = 50",
            "raft.rpc_timeout_ms = 50: must be between 100 and 600000 milliseconds"),
        Arguments.of("snapshot trigger too small", "[raft]\nsnapshot_auto_trigger_entries = 10",
            "raft.snapshot_auto_trigger_entries = 10: must be between 100 and 1000000000 entries"),
        Arguments.of("snapshot retention zero", "[raft]\nsnapshot_retention = 0",
            "raft.snapshot_retention = 0: must be between 1 and 100 snapshots"),
        Arguments.of("batch zero", "[raft]\ngroup_commit_max_batch = 0",
            "raft.group_commit_max_batch = 0: must be between 1 and 65536 commands"),
        Arguments.of("batch bytes as string", "[raft]\ngroup_commit_max_bytes = \"1MiB\"",
            "raft.group_commit_max_bytes = \"1MiB\": must be an integer between 1024 and 268435456 bytes"),
        Arguments.of("batch larger than an entry", "[raft]\ngroup_commit_max_bytes = 33554432",
            "raft.group_commit_max_bytes = 33554432: must not exceed raft.log_entry_max_bytes (20971520): a batch is one log entry"),
        Arguments.of("entry larger than a segment", "[raft]\nlog_entry_max_bytes = 134217728",
            "raft.log_entry_max_bytes = 134217728: must not exceed raft.log_segment_size_bytes (67108864): an entry must fit in one segment"),
        Arguments.of("segment too small", "[raft]\nlog_segment_size_bytes = 1000",
            "raft.log_segment_size_bytes = 1000: must be between 1048576 and 68719476736 bytes"),
        Arguments.of("unknown raft key", "[raft]\nelection_timeout_ms = 500",
            "raft.election_timeout_ms = 500: unknown key; did you mean election_timeout_min_ms?"),
        // [api]
        Arguments.of("token too short", "[api]\ntoken = \"hunter2\"",
            "api.token = <redacted, 7 chars>: must be at least 16 characters (empty turns the token off)"),
        Arguments.of("token not a string", "[api]\ntoken = true",
            "api.token = <redacted, 4 chars>: must be a string"),
        Arguments.of("body limit too small", "[api]\nmax_body_bytes = 100",
            "api.max_body_bytes = 100: must be between 1024 and 67108864 bytes"),
        Arguments.of("module limit too big", "[api]\nmax_module_bytes = 1073741824",
            "api.max_module_bytes = 1073741824: must be between 1024 and 536870912 bytes"),
        // [workers]
        Arguments.of("embedded negative", "[workers]\nembedded = -1",
            "workers.embedded = -1: must be between 0 and 1024 threads"),
        Arguments.of("stack too small", "[workers]\nstack_size_kb = 64",
            "workers.stack_size_kb = 64: must be between 256 and 1048576 KiB"),
        Arguments.of("memory beyond wasm32", "[workers]\nmemory_limit_mb = 5000",
            "workers.memory_limit_mb = 5000: must be between 1 and 2047 MiB"),
        Arguments.of("a boolean as a string", "[workers]\nallow_interpreted_modules = \"yes\"",
            "workers.allow_interpreted_modules = \"yes\": must be true or false"),
        Arguments.of("journal_fsync as a word", "[workers]\njournal_fsync = \"full\"",
            "workers.journal_fsync = \"full\": must be true or false"),
        Arguments.of("an egress range that is a host name", "[workers]\negress_allow = [\"10.0.0.0/8\", \"localhost\"]",
            "workers.egress_allow[1] = \"localhost\": must be an IP address or range such as 10.0.0.0/8 or fd00::/8 (not a host name)"),
        Arguments.of("an egress prefix too long", "[workers]\negress_allow = [\"10.0.0.0/40\"]",
            "workers.egress_allow[0] = \"10.0.0.0/40\": the prefix length after / must be 0 to 32"),
        Arguments.of("a worker label with a capital", "[workers]\nlabels = [\"gpu\", \"ARM64\"]",
            "workers.labels[1] = \"ARM64\": a label is 1-64 lower-case letters, digits, '.', '_', '-' or ':', not \"ARM64\""),
        Arguments.of("worker labels as a string", "[workers]\nlabels = \"gpu\"",
            "workers.labels = \"gpu\": must be an array of strings"),
        Arguments.of("egress_allow as a string", "[workers]\negress_allow = \"10.0.0.0/8\"",
            "workers.egress_allow = \"10.0.0.0/8\": must be an array of strings"),
        // [jobs]
        Arguments.of("lease too small", "[jobs]\nlease_ms = 50",
            "jobs.lease_ms = 50: must be between 100 and 3600000 milliseconds"),
        Arguments.of("heartbeat over half the lease", "[jobs]\nheartbeat_ms = 1600",
            "jobs.heartbeat_ms = 1600: must be at most half of jobs.lease_ms (3000), so one late heartbeat does not lose the lease"),
        Arguments.of("default heartbeat over half a short lease", "[jobs]\nlease_ms = 1500",
            "jobs.heartbeat_ms = 1000 (default): must be at most half of jobs.lease_ms (1500), so one late heartbeat does not lose the lease"),
        Arguments.of("reaper slower than lease", "[jobs]\nreaper_interval_ms = 5000",
            "jobs.reaper_interval_ms = 5000: must not exceed jobs.lease_ms (3000)"),
        Arguments.of("max attempts zero", "[jobs]\nmax_attempts = 0",
            "jobs.max_attempts = 0: must be between 1 and 1000 attempts"),
        Arguments.of("backoff max below base", "[jobs]\nbackoff_base_ms = 120000",
            "jobs.backoff_max_ms = 60000 (default): must not be less than jobs.backoff_base_ms (120000)"),
        Arguments.of("backoff negative", "[jobs]\nbackoff_base_ms = -1",
            "jobs.backoff_base_ms = -1: must be between 0 and 86400000 milliseconds"),
        Arguments.of("timeout too small", "[jobs]\ntimeout_ms = 10",
            "jobs.timeout_ms = 10: must be between 1000 and 604800000 milliseconds"),
        // across sections
        Arguments.of("lease not above election timeout", "[raft]\nelection_timeout_min_ms = 2000\nelection_timeout_max_ms = 4000",
            "jobs.lease_ms = 3000 (default): must be greater than raft.election_timeout_max_ms (4000), "
                + "or one leader election would expire every lease"),
        Arguments.of("lease set but not above election timeout", "[jobs]\nlease_ms = 1000\nheartbeat_ms = 300",
            "jobs.lease_ms = 1000: must be greater than raft.election_timeout_max_ms (1000), "
                + "or one leader election would expire every lease"),
        Arguments.of("body larger than a batch", "[api]\nmax_body_bytes = 2097152",
            "api.max_body_bytes = 2097152: must not exceed raft.group_commit_max_bytes (1048576): one request must fit in one batch"),
        Arguments.of("module does not fit an entry", "[api]\nmax_module_bytes = 20971520",
            "raft.log_entry_max_bytes = 20971520 (default): must be at least api.max_module_bytes (20971520) + 65536: "
                + "a module deploy is one log entry"),
        Arguments.of("module does not fit a set entry size", "[api]\nmax_module_bytes = 20971520\n[raft]\nlog_entry_max_bytes = 20000000",
            "raft.log_entry_max_bytes = 20000000: must be at least api.max_module_bytes (20971520) + 65536: "
                + "a module deploy is one log entry"),
        // [artifacts]
        Arguments.of("unknown store", "[artifacts]\nstore = \"disk\"",
            "artifacts.store = \"disk\": must be \"nodes\" (every member's disk) or \"s3\" (an S3-compatible bucket)"),
        Arguments.of("s3 without a bucket", "[artifacts]\nstore = \"s3\"",
            "artifacts.s3_bucket = <missing>: required when artifacts.store is \"s3\""),
        Arguments.of("s3 endpoint not a URL", "[artifacts]\ns3_endpoint = \"minio:9000\"",
            "artifacts.s3_endpoint = \"minio:9000\": must be an http:// or https:// URL with a host"),
        Arguments.of("s3 key id without its secret", "[artifacts]\ns3_access_key_id = \"AKIA\"",
            "artifacts.s3_secret_access_key = <missing>: set both artifacts.s3_access_key_id and "
                + "artifacts.s3_secret_access_key, or neither (the AWS SDK's default credentials chain)"),
        Arguments.of("s3 secret shown redacted", "[artifacts]\ns3_secret_access_key = \"abc\"",
            "artifacts.s3_access_key_id = <missing>: set both artifacts.s3_access_key_id and "
                + "artifacts.s3_secret_access_key, or neither (the AWS SDK's default credentials chain)"),
        Arguments.of("s3 prefix without its slash", "[artifacts]\ns3_prefix = \"ci\"",
            "artifacts.s3_prefix = \"ci\": must end with '/' and not start with one (\"ci/artifacts/\"), or be empty"),
        Arguments.of("s3 part below S3's minimum", "[artifacts]\ns3_part_bytes = 1048576",
            "artifacts.s3_part_bytes = 1048576: must be between 5242880 and 5368709120 bytes"),
        // top level
        Arguments.of("misspelt section", "[raf]\nrpc_timeout_ms = 1000",
            "raf = <table>: unknown section; did you mean [raft]?"),
        Arguments.of("misspelt original section", "[hiqlte]\nnode_id = 1",
            "hiqlte = <table>: unknown section; did you mean [hiqlite]?"),
        Arguments.of("unknown section", "[database]\nurl = \"x\"",
            "database = <table>: unknown section (sections: node, raft, api, workers, jobs, artifacts)"),
        Arguments.of("node key at top level", "node_id = 1",
            "node_id = 1: top-level key; belongs in the [node] section (sections: node, raft, api, workers, jobs, artifacts)"),
        Arguments.of("unknown top-level string is hidden", "password = \"hunter2hunter2\"",
            "password = <redacted, 14 chars>: top-level key; settings belong in a section (sections: node, raft, api, workers, jobs, artifacts)"),
        Arguments.of("section as a value", "raft = 5",
            "raft = 5: must be a table, written [raft]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void ruleNamesFieldAndValue(String rule, String toml, String expected) {
    assertEquals(P + expected, error(toml));
  }

  @Test
  void everySectionKeyIsRead() {
    NodeConfig c = parse("""
        [raft]
        election_timeout_min_ms = 300
        election_timeout_max_ms = 600
        rpc_timeout_ms = 2000
        snapshot_auto_trigger_entries = 5000
        snapshot_retention = 3
        group_commit_max_batch = 64
        group_commit_max_bytes = 262144
        log_entry_max_bytes = 8_388_608
        log_segment_size_bytes = 16777216
        read_lease = true
        consistency_check_interval_ms = 60000
        [api]
        token = "a-bearer-token-of-some-length"
        max_body_bytes = 4096
        max_module_bytes = 1048576
        [workers]
        embedded = 0
        stack_size_kb = 1024
        memory_limit_mb = 128
        journal_fsync = true
        egress_allow = ["10.1.0.0/16", "fd00::/8", "127.0.0.1"]
        labels = ["gpu", "arm64"]
        [jobs]
        lease_ms = 10000
        heartbeat_ms = 2000
        reaper_interval_ms = 1000
        max_attempts = 5
        backoff_base_ms = 500
        backoff_max_ms = 30000
        timeout_ms = 60000
        """);

    assertEquals(new RaftSection(300, 600, 2000, 5000, 3, 64, 262144, 8 << 20, 16 << 20, 256, true, 60_000), c.raft());
    assertEquals(Optional.of("a-bearer-token-of-some-length"), c.apiToken());
    assertEquals(4096, c.api().maxBodyBytes());
    assertEquals(1 << 20, c.api().maxModuleBytes());
    assertEquals(new WorkersSection(0, 1024, 128, false, true, java.util.List.of("10.1.0.0/16", "fd00::/8", "127.0.0.1"),
        java.util.List.of("gpu", "arm64")), c.workers());
    assertEquals(new JobsSection(10000, 2000, 1000, 5, 500, 30000, 60000, 0, 2 * 1024 * 1024, 32 * 1024 * 1024, 50_000, 500, 60_000), c.jobs());
  }

  @Test
  void theS3StoreKeysAreRead() {
    ArtifactsSection a = parse("""
        [artifacts]
        store = "s3"
        s3_bucket = "ci"
        s3_endpoint = "http://127.0.0.1:9000"
        s3_region = "eu-west-1"
        s3_prefix = "prod/"
        s3_path_style = true
        s3_access_key_id = "AKIAEXAMPLE"
        s3_secret_access_key = "not-a-real-secret"
        s3_part_bytes = 8388608
        """).artifacts();
    assertEquals(true, a.s3());
    assertEquals(Optional.of("ci"), a.s3Bucket());
    assertEquals(Optional.of("http://127.0.0.1:9000"), a.s3Endpoint());
    assertEquals(Optional.of("eu-west-1"), a.s3Region());
    assertEquals("prod/", a.s3Prefix());
    assertEquals(true, a.s3PathStyle());
    assertEquals("not-a-real-secret", a.s3SecretAccessKey().orElseThrow().reveal());
    assertEquals(8L << 20, a.s3PartBytes());
    assertEquals(false, a.toString().contains("not-a-real-secret"));
    assertEquals(ArtifactsSection.DEFAULTS, parse("").artifacts());
  }

  @Test
  void everyRuleAcceptsItsBoundary() {
    NodeConfig c = parse("""
        [raft]
        election_timeout_min_ms = 999
        election_timeout_max_ms = 1000
        group_commit_max_bytes = 1114112
        log_entry_max_bytes = 1114112
        log_segment_size_bytes = 1114112
        [api]
        max_body_bytes = 1114112
        max_module_bytes = 1048576
        [jobs]
        lease_ms = 1001
        heartbeat_ms = 500
        reaper_interval_ms = 1001
        backoff_base_ms = 7000
        backoff_max_ms = 7000
        """);

    assertEquals(1000, c.raft().electionTimeoutMaxMs());
    assertEquals(1_114_112, c.raft().logEntryMaxBytes());
    assertEquals(1001, c.jobs().leaseMs());
    assertEquals(500, c.jobs().heartbeatMs());
    assertEquals(7000, c.jobs().backoffMaxMs());
    assertEquals(1500, parse("[jobs]\nheartbeat_ms = 1500").jobs().heartbeatMs());
  }

  @Test
  void emptyTokenTurnsTheTokenOff() {
    assertEquals(Optional.empty(), parse("[api]\ntoken = \"\"").apiToken());
  }
}
