package io.mvmci.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.mvmci.command.FireSchedule;
import io.mvmci.job.JobId;
import io.mvmci.store.ScheduleQueries;
import java.util.List;

/**
 * A schedule as the API shows it: its definition as a put takes it ({@code job} with the defaults it
 * was given), its state ({@code next_fire_at}: null while paused), what it has done ({@code counts}), and
 * on its own page its latest fires, newest first. Times are ISO-8601 UTC.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ScheduleView(
    String id,
    String cron,
    String timeZone,
    Job job,
    String overlap,
    String catchUp,
    boolean paused,
    String nextFireAt,
    String lastFireAt,
    String lastJobId,
    long revision,
    Counts counts,
    String createdAt,
    String updatedAt,
    List<Fire> recentFires) {

  /** The job each fire submits. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Job(String workflow, @JsonRawValue String input, String url, int priority, int maxAttempts, long timeoutMs,
      String moduleSha256) {}

  /** Fires that submitted a job, fires skipped because the last job ran, fire times missed after downtime. */
  record Counts(long submitted, long skipped, long missed) {}

  /**
   * A fire: the time it stands for, when the leader made it, why ({@code scheduled}, {@code catch-up},
   * {@code missed}, {@code manual}), what it did ({@code submitted}, {@code queued}, {@code skipped},
   * {@code missed}, {@code duplicate}, {@code failed}), its job and that job's idempotency key.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Fire(String fireTime, String at, long latenessMs, String kind, String outcome, String jobId,
      String idempotencyKey, int missed, String detail) {
    static Fire of(ScheduleQueries.Fire f) {
      FireSchedule.Kind kind = FireSchedule.Kind.SCHEDULED;
      for (FireSchedule.Kind k : FireSchedule.Kind.values()) {
        if (k.label.equals(f.kind())) {
          kind = k;
        }
      }
      return new Fire(JobView.time(f.fireTime()), JobView.time(f.at()), Math.max(0, f.at() - f.fireTime()), f.kind(),
          f.outcome(), f.jobSeq() == null ? null : JobId.format(f.jobSeq()),
          f.jobSeq() == null ? null : FireSchedule.jobKey(f.scheduleId(), kind, f.fireTime()), f.missed(), f.detail());
    }
  }

  static ScheduleView of(ScheduleQueries.Schedule s) {
    return of(s, null);
  }

  static ScheduleView of(ScheduleQueries.Schedule s, List<ScheduleQueries.Fire> fires) {
    return new ScheduleView(s.id(), s.cron(), s.timeZone(), new Job(s.workflow(), s.input(), s.url(), s.priority(),
        s.maxAttempts(), s.timeoutMs(), s.moduleSha256()), s.overlap(), s.catchUp(), s.paused(),
        JobView.time(s.nextFireAt()), JobView.time(s.lastFireAt()),
        s.lastJobSeq() == null ? null : JobId.format(s.lastJobSeq()), s.revision(),
        new Counts(s.submitted(), s.skipped(), s.missed()), JobView.time(s.createdAt()), JobView.time(s.updatedAt()),
        fires == null ? null : fires.stream().map(Fire::of).toList());
  }
}
