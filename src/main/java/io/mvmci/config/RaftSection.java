package io.mvmci.config;

import java.util.List;

/**
 * The {@code [raft]} section: consensus timing, snapshots, group commit and log sizing. Every
 * key is optional.
 *
 * <p>Invariants once loaded: {@code electionTimeoutMinMs < electionTimeoutMaxMs}; {@code
 * groupCommitMaxBytes <= logEntryMaxBytes <= logSegmentSizeBytes} (a group-commit batch is one
 * log entry, and an entry must fit a segment).
 *
 * @param electionTimeoutMinMs a follower that hears no leader for a random time in [min, max)
 *     starts an election; {@code election_timeout_min_ms}, milliseconds, default 500
 * @param electionTimeoutMaxMs {@code election_timeout_max_ms}, milliseconds, default 1000
 * @param rpcTimeoutMs how long a Raft request (append, vote, snapshot chunk) may take before it
 *     is retried; {@code rpc_timeout_ms}, milliseconds, default 3000
 * @param snapshotAutoTriggerEntries take a snapshot (and purge the log before it) every this
 *     many applied entries; {@code snapshot_auto_trigger_entries}, entries, default 20000
 * @param snapshotRetention snapshots kept on disk; {@code snapshot_retention}, count, default 2
 * @param groupCommitMaxBatch most commands the leader packs into one log entry; {@code
 *     group_commit_max_batch}, commands, default 512
 * @param groupCommitMaxBytes most encoded command bytes in one batch; {@code
 *     group_commit_max_bytes}, bytes, default 1 MiB
 * @param logEntryMaxBytes the largest single log entry; the Raft log and its network transport
 *     are sized for it, so a module deploy must fit; {@code log_entry_max_bytes}, bytes, default
 *     20 MiB
 * @param logSegmentSizeBytes size at which a Raft log segment file is closed and a new one
 *     started; {@code log_segment_size_bytes}, bytes, default 64 MiB
 */
public record RaftSection(
    int electionTimeoutMinMs,
    int electionTimeoutMaxMs,
    int rpcTimeoutMs,
    long snapshotAutoTriggerEntries,
    int snapshotRetention,
    int groupCommitMaxBatch,
    int groupCommitMaxBytes,
    int logEntryMaxBytes,
    long logSegmentSizeBytes) {

  static final int MIB = 1024 * 1024;

  public static final RaftSection DEFAULTS =
      new RaftSection(500, 1000, 3000, 20_000, 2, 512, MIB, 20 * MIB, 64L * MIB);

  static final List<String> KEYS =
      List.of(
          "election_timeout_min_ms",
          "election_timeout_max_ms",
          "rpc_timeout_ms",
          "snapshot_auto_trigger_entries",
          "snapshot_retention",
          "group_commit_max_batch",
          "group_commit_max_bytes",
          "log_entry_max_bytes",
          "log_segment_size_bytes");

  static RaftSection from(TomlTable t) {
    RaftSection d = DEFAULTS;
    int min = t.intValue("election_timeout_min_ms", d.electionTimeoutMinMs, 50, 60_000, "milliseconds");
    int max = t.intValue("election_timeout_max_ms", d.electionTimeoutMaxMs, 51, 120_000, "milliseconds");
    if (max <= min) {
      throw t.invalid(
          "election_timeout_max_ms",
          max,
          "must be greater than " + t.field("election_timeout_min_ms") + " (" + min + ")");
    }
    int rpc = t.intValue("rpc_timeout_ms", d.rpcTimeoutMs, 100, 600_000, "milliseconds");
    long snapEvery =
        t.longValue(
            "snapshot_auto_trigger_entries", d.snapshotAutoTriggerEntries, 100, 1_000_000_000, "entries");
    int retain = t.intValue("snapshot_retention", d.snapshotRetention, 1, 100, "snapshots");
    int batch = t.intValue("group_commit_max_batch", d.groupCommitMaxBatch, 1, 65_536, "commands");
    int batchBytes = t.intValue("group_commit_max_bytes", d.groupCommitMaxBytes, 1024, 256 * MIB, "bytes");
    int entryMax = t.intValue("log_entry_max_bytes", d.logEntryMaxBytes, 64 * 1024, 1024 * MIB, "bytes");
    long segment =
        t.longValue("log_segment_size_bytes", d.logSegmentSizeBytes, MIB, 64L * 1024 * MIB, "bytes");
    if (batchBytes > entryMax) {
      throw t.invalid(
          "group_commit_max_bytes",
          batchBytes,
          "must not exceed " + t.field("log_entry_max_bytes") + " (" + entryMax
              + "): a batch is one log entry");
    }
    if (entryMax > segment) {
      throw t.invalid(
          "log_entry_max_bytes",
          entryMax,
          "must not exceed " + t.field("log_segment_size_bytes") + " (" + segment
              + "): an entry must fit in one segment");
    }
    return new RaftSection(min, max, rpc, snapEvery, retain, batch, batchBytes, entryMax, segment);
  }
}
