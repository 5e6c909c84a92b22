package io.mvmci.config;

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
 * @param minFreeDiskMb free space the data directory keeps: below it the node refuses writes (503,
 *     with the reason) until space returns, so the Raft log and the database never meet a full disk;
 *     0 refuses only once a write failed; {@code min_free_disk_mb}, MiB, default 256
 * @param readLease linearizable reads on the leader under a lease (Ratis's leader lease): the leader
 *     answers a read index without a heartbeat round while a majority acknowledged one within 0.9 of
 *     {@code election_timeout_min_ms}; faster (no wait for the next heartbeat), but it assumes clocks
 *     that run at about the same rate and no pause of the leader past the lease between its check and
 *     the read; {@code read_lease}, default false (every read index confirms leadership)
 * @param consistencyCheckIntervalMs how often the leader starts a consistency check, in which every
 *     member digests its copy of the database as of one log entry and the digests are compared (a copy
 *     that differs is named); 0 starts none (an operator still can); {@code
 *     consistency_check_interval_ms}, milliseconds, default 3600000 (an hour)
 */
public record RaftSection(
    @Range(min = 50, max = 60_000, unit = "milliseconds") int electionTimeoutMinMs,
    @Range(min = 51, max = 120_000, unit = "milliseconds") int electionTimeoutMaxMs,
    @Range(min = 100, max = 600_000, unit = "milliseconds") int rpcTimeoutMs,
    @Range(min = 100, max = 1_000_000_000, unit = "entries") long snapshotAutoTriggerEntries,
    @Range(min = 1, max = 100, unit = "snapshots") int snapshotRetention,
    @Range(min = 1, max = 65_536, unit = "commands") int groupCommitMaxBatch,
    @Range(min = 1024, max = 256 * 1024 * 1024, unit = "bytes") int groupCommitMaxBytes,
    @Range(min = 64 * 1024, max = 1024 * 1024 * 1024, unit = "bytes") int logEntryMaxBytes,
    @Range(min = 1024 * 1024, max = 64L * 1024 * 1024 * 1024, unit = "bytes") long logSegmentSizeBytes,
    @Range(min = 0, max = 1024 * 1024, unit = "MiB") int minFreeDiskMb,
    boolean readLease,
    @Range(min = 0, max = 7 * 24 * 3_600_000, unit = "milliseconds") int consistencyCheckIntervalMs) {

  static final int MIB = 1024 * 1024;

  public static final RaftSection DEFAULTS =
      new RaftSection(500, 1000, 3000, 20_000, 2, 512, MIB, 20 * MIB, 64L * MIB, 256, false, 3_600_000);

  /** The rules between keys of this section; the binder has checked each key's range. */
  RaftSection checked(Fields f) {
    if (electionTimeoutMaxMs <= electionTimeoutMinMs) {
      throw f.invalid("election_timeout_max_ms",
          "must be greater than " + f.field("election_timeout_min_ms") + " (" + electionTimeoutMinMs + ")");
    }
    if (groupCommitMaxBytes > logEntryMaxBytes) {
      throw f.invalid("group_commit_max_bytes", "must not exceed " + f.field("log_entry_max_bytes")
          + " (" + logEntryMaxBytes + "): a batch is one log entry");
    }
    if (logEntryMaxBytes > logSegmentSizeBytes) {
      throw f.invalid("log_entry_max_bytes", "must not exceed " + f.field("log_segment_size_bytes")
          + " (" + logSegmentSizeBytes + "): an entry must fit in one segment");
    }
    if (consistencyCheckIntervalMs > 0 && consistencyCheckIntervalMs < 1000) {
      throw f.invalid("consistency_check_interval_ms", "must be 0 (no periodic check) or at least 1000");
    }
    return this;
  }
}
