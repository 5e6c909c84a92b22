package io.mvmci.schedule;

import io.mvmci.queue.NewJob;

/**
 * A schedule as the API received it, already parsed; {@link ScheduleService} validates it. Null fields
 * take their defaults.
 *
 * @param id the schedule's id, chosen by the caller: 1-64 of {@code a-z 0-9 _ . -}, starting with a
 *     letter or digit
 * @param cron six fields (second first), five (minute first: second 0), or a macro such as {@code @daily}
 * @param timeZone an IANA zone the cron is read in (default {@code UTC})
 * @param job the job each fire submits, as {@code POST /api/v1/jobs} takes it (no run_at or delay_ms)
 * @param overlap {@code skip} (default), {@code queue} or {@code allow}
 * @param catchUp {@code none} (default) or {@code last}
 * @param paused whether it starts paused
 */
public record NewSchedule(String id, String cron, String timeZone, NewJob job, String overlap, String catchUp,
    boolean paused) {}
