/**
 * Cron schedules: definitions validated and replicated ({@link io.mvmci.schedule.ScheduleService}),
 * and fired by the leader ({@link io.mvmci.schedule.ScheduleFiring}) with the schedule id and fire time
 * as the job's idempotency key. Only proposers evaluate cron expressions ({@link io.mvmci.schedule.Cron},
 * {@link io.mvmci.schedule.FirePlan}); apply compares and stores the times they stamp. The design note
 * is {@code schedule/DESIGN.md}.
 */
package io.mvmci.schedule;
