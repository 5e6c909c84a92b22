package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Starts a consistency check: every member digests its copy of the database as it stands once this
 * entry has applied (the same state on every member, by the log) and reports the digest with a
 * {@link ReportDigest}. The check is named by its entry's log index, so two checks proposed in one
 * entry are one check: the first records it, the others find it there and answer as it did (a second
 * insert of that index stopped every member's apply before). Keeps the newest {@value #KEEP} checks
 * and their reports.
 *
 * @param at when the proposer asked for it
 * @param requestedBy {@code schedule} (the leader's periodic check) or {@code api} (an operator)
 */
public record CheckConsistency(long at, String requestedBy) implements Command {
  /** Checks kept, with their reports; older ones are deleted as a new one starts. */
  public static final int KEEP = 100;

  private static final String INSERT =
      "INSERT OR IGNORE INTO consistency_checks (check_index, requested_at, requested_by) VALUES (?, ?, ?)";
  private static final String DROP_REPORTS = """
      DELETE FROM consistency_reports WHERE check_index <= (
        SELECT check_index FROM consistency_checks ORDER BY check_index DESC LIMIT 1 OFFSET ?)""";
  private static final String DROP_CHECKS = """
      DELETE FROM consistency_checks WHERE check_index <= (
        SELECT check_index FROM consistency_checks ORDER BY check_index DESC LIMIT 1 OFFSET ?)""";

  @Override
  public CommandType type() {
    return CommandType.CHECK_CONSISTENCY;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(requestedBy);
  }

  static CheckConsistency read(WireReader r) {
    return new CheckConsistency(r.i64(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    long index = tx.index();
    PreparedStatement ps = tx.sql(INSERT);
    ps.setLong(1, index);
    ps.setLong(2, at);
    ps.setString(3, requestedBy);
    if (ps.executeUpdate() == 0) {
      return new Result.Ack(); // an earlier command of this entry started this check
    }
    for (String sql : new String[] {DROP_REPORTS, DROP_CHECKS}) {
      PreparedStatement drop = tx.sql(sql);
      drop.setInt(1, KEEP);
      drop.executeUpdate();
    }
    // after the whole entry, which the digest covers
    tx.followUp(e -> e.consistencyCheckApplied(index));
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    // announced as the entry's follow-up, with its index (apply)
  }
}
