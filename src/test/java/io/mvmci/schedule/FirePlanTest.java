package io.mvmci.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.command.FireSchedule;
import io.mvmci.command.ScheduleSpec.CatchUp;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The proposer's arithmetic, with a fixed clock: cron parsing, next fire times, and catch-up after downtime. */
class FirePlanTest {
  static long at(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void cronTakesSixFieldsFiveFieldsAndMacrosInItsZone() {
    assertThat(Cron.parse("0 0 2 * * *", "UTC").next(at("2024-01-01T12:00:00Z"))).isEqualTo(at("2024-01-02T02:00:00Z"));
    assertThat(Cron.parse("30 2 * * *", "UTC").next(at("2024-01-01T12:00:00Z")))
        .as("five fields: minute first, second 0").isEqualTo(at("2024-01-02T02:30:00Z"));
    assertThat(Cron.parse("0 0 2 * * *", "Europe/Paris").next(at("2024-01-01T12:00:00Z")))
        .as("02:00 in Paris is 01:00 UTC in winter").isEqualTo(at("2024-01-02T01:00:00Z"));
    assertThat(Cron.parse("@daily", "UTC").next(at("2024-01-01T12:00:00Z"))).isEqualTo(at("2024-01-02T00:00:00Z"));
    assertThat(Cron.parse("  */1   * * * * * ", "UTC").expression()).isEqualTo("*/1 * * * * *");
    assertThat(Cron.parse("*/1 * * * * *", "UTC").next(at("2024-01-01T12:00:00.400Z")))
        .as("strictly after").isEqualTo(at("2024-01-01T12:00:01Z"));
    assertThat(Cron.parse("0 0 0 30 2 *", "UTC").next(at("2024-01-01T00:00:00Z"))).as("February 30th").isEqualTo(-1);
  }

  @Test
  void badCronsAndZonesNameTheirField() {
    assertThatThrownBy(() -> Cron.parse("x", "UTC")).isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("six fields").extracting(e -> ((InvalidScheduleException) e).field()).isEqualTo("cron");
    assertThatThrownBy(() -> Cron.parse("0 0 25 * * *", "UTC")).hasMessageContaining("HourOfDay")
        .extracting(e -> ((InvalidScheduleException) e).field()).isEqualTo("cron");
    assertThatThrownBy(() -> Cron.parse("0 0 2 * * * 2030", "UTC")).hasMessageContaining("not 7");
    assertThatThrownBy(() -> Cron.parse("0 0 2 * * *", "Mars/Olympus")).hasMessageContaining("Mars/Olympus")
        .extracting(e -> ((InvalidScheduleException) e).field()).isEqualTo("time_zone");
    assertThatThrownBy(() -> Cron.parse("", "UTC")).extracting(e -> ((InvalidScheduleException) e).field())
        .isEqualTo("cron");
  }

  @Test
  void daylightSavingSkipsAMissingTimeAndFiresARepeatedOneOnce() {
    Cron nightly = Cron.parse("0 30 2 * * *", "Europe/Paris");
    long fallBack = nightly.next(at("2024-10-26T12:00:00Z"));
    assertThat(fallBack).isEqualTo(ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))
        .withEarlierOffsetAtOverlap().toInstant().toEpochMilli());
    assertThat(nightly.next(fallBack)).as("not again an hour later").isEqualTo(at("2024-10-28T01:30:00Z"));
    assertThat(nightly.next(at("2024-03-30T12:00:00Z"))).as("02:30 does not exist on 31 March")
        .isEqualTo(at("2024-04-01T00:30:00Z"));
  }

  @Test
  void aFireWithinTheGraceIsMadeAsScheduled() {
    Cron everyMinute = Cron.parse("0 * * * * *", "UTC");
    long due = at("2024-01-01T12:00:00Z");
    assertThat(FirePlan.plan("s", everyMinute, CatchUp.NONE, due, due - 1)).as("not yet").isNull();
    assertThat(FirePlan.plan("s", everyMinute, CatchUp.NONE, due, due + 250))
        .isEqualTo(new FireSchedule(due + 250, "s", FireSchedule.Kind.SCHEDULED, due, due, due + 60_000, 0));
    assertThat(FirePlan.plan("s", everyMinute, CatchUp.NONE, due, due + FirePlan.GRACE_MS).kind())
        .isEqualTo(FireSchedule.Kind.SCHEDULED);
    assertThat(FirePlan.plan("s", everyMinute, CatchUp.NONE, due, due + 5_000, 5_000).kind())
        .as("[jobs] schedule_grace_ms = 5000: 5 s late is still on time").isEqualTo(FireSchedule.Kind.SCHEDULED);
    assertThat(FirePlan.plan("s", everyMinute, CatchUp.NONE, due, due + 5_001, 5_000).kind())
        .as("... and a millisecond more was missed").isEqualTo(FireSchedule.Kind.MISSED);
    assertThat(FirePlan.plan("s", everyMinute, CatchUp.LAST, due, due + 5_001, 5_000))
        .isEqualTo(new FireSchedule(due + 5_001, "s", FireSchedule.Kind.CATCH_UP, due, due, due + 60_000, 0));

    Cron everySecond = Cron.parse("*/1 * * * * *", "UTC");
    FireSchedule behind = FirePlan.plan("s", everySecond, CatchUp.NONE, due, due + 3_500);
    assertThat(behind).as("a leader change: each second behind is made, one after another")
        .isEqualTo(new FireSchedule(due + 3_500, "s", FireSchedule.Kind.SCHEDULED, due, due, due + 1_000, 0));
  }

  @Test
  void catchUpNonePassesOverWhatIsOlderThanTheGrace() {
    Cron hourly = Cron.parse("0 0 * * * *", "UTC");
    long due = at("2024-01-01T00:00:00Z");
    long now = at("2024-01-01T05:30:00Z");
    assertThat(FirePlan.plan("s", hourly, CatchUp.NONE, due, now)).as("00:00 to 05:00 passed; 06:00 is next")
        .isEqualTo(new FireSchedule(now, "s", FireSchedule.Kind.MISSED, due, due, at("2024-01-01T06:00:00Z"), 6));

    Cron everySecond = Cron.parse("*/1 * * * * *", "UTC");
    long start = at("2024-01-01T12:00:00Z");
    long later = start + 10 * 60_000 + 500;
    FireSchedule skip = FirePlan.plan("s", everySecond, CatchUp.NONE, start, later);
    assertThat(skip.kind()).isEqualTo(FireSchedule.Kind.MISSED);
    assertThat(skip.missed()).as("the nine minutes before the grace").isEqualTo(9 * 60 + 1);
    assertThat(skip.nextFireAt()).as("the first time within the grace, which fires as scheduled")
        .isEqualTo(later - FirePlan.GRACE_MS + 500);
    assertThat(FirePlan.plan("s", everySecond, CatchUp.NONE, skip.nextFireAt(), later).kind())
        .isEqualTo(FireSchedule.Kind.SCHEDULED);
  }

  @Test
  void catchUpLastFiresTheLatestMissedTimeOnce() {
    Cron nightly = Cron.parse("0 0 2 * * *", "UTC");
    long due = at("2024-01-01T02:00:00Z");
    long now = at("2024-01-04T09:00:00Z");
    assertThat(FirePlan.plan("s", nightly, CatchUp.LAST, due, now))
        .as("four nights passed: the last one runs, three are missed, the next is tomorrow")
        .isEqualTo(new FireSchedule(now, "s", FireSchedule.Kind.CATCH_UP, due, at("2024-01-04T02:00:00Z"),
            at("2024-01-05T02:00:00Z"), 3));

    Cron everySecond = Cron.parse("*/1 * * * * *", "UTC");
    long start = at("2024-01-01T12:00:00Z");
    assertThat(FirePlan.plan("s", everySecond, CatchUp.LAST, start, start + 10 * 60_000).kind())
        .as("a time within the grace is due anyway: it is the latest run").isEqualTo(FireSchedule.Kind.MISSED);

    FireSchedule year = FirePlan.plan("s", everySecond, CatchUp.NONE, start, start + 366L * 86_400_000);
    assertThat(year.missed()).as("counting stops").isEqualTo(FirePlan.MAX_COUNTED);
    assertThat(year.nextFireAt()).isEqualTo(start + 366L * 86_400_000 - FirePlan.GRACE_MS);

    Cron yearly = Cron.parse("0 0 0 1 1 *", "UTC");
    FireSchedule late = FirePlan.plan("s", yearly, CatchUp.LAST, at("2020-01-01T00:00:00Z"), at("2024-06-01T00:00:00Z"));
    assertThat(late.fireTime()).isEqualTo(at("2024-01-01T00:00:00Z"));
    assertThat(late.missed()).isEqualTo(4);
    assertThat(late.nextFireAt()).isEqualTo(at("2025-01-01T00:00:00Z"));
  }

  @Test
  void aTriggerFiresNowWithoutMovingTheSchedule() {
    assertThat(FirePlan.now("s", 42)).isEqualTo(new FireSchedule(42, "s", FireSchedule.Kind.MANUAL, -1, 42, -1, 0));
    assertThat(FireSchedule.jobKey("s", FireSchedule.Kind.MANUAL, 42)).isEqualTo("schedule:s:manual:1970-01-01T00:00:00.042Z");
    assertThat(FireSchedule.jobKey("nightly", FireSchedule.Kind.SCHEDULED, at("2024-01-01T02:00:00Z")))
        .isEqualTo("schedule:nightly:2024-01-01T02:00:00Z");
  }
}
