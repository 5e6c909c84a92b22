package io.mvmci.schedule;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import org.springframework.scheduling.support.CronExpression;

/**
 * A cron expression read in a time zone: Spring's {@link CronExpression} (six fields, seconds first,
 * or a macro such as {@code @daily}), or the classic five fields, which mean second 0. Only proposers
 * evaluate it (an API node at a put, the leader at a fire); apply stores the times they stamp.
 *
 * <p>Daylight saving: a wall-clock time that a spring-forward change skips does not fire that day
 * (Spring's rule); wall-clock times that a fall-back change repeats fire once, the first time (each fire
 * must be later on the wall clock than the one before).
 */
public final class Cron {
  /** Iterations spent skipping a repeated (fall-back) hour: a per-second schedule's whole hour. */
  private static final int MAX_REPEATED = 4_000;

  private final String expression;
  private final CronExpression cron;
  private final ZoneId zone;

  private Cron(String expression, CronExpression cron, ZoneId zone) {
    this.expression = expression;
    this.cron = cron;
    this.zone = zone;
  }

  /**
   * Parses {@code expression} (five or six fields, or a macro) in {@code timeZone} (an IANA id such as
   * {@code Europe/Paris}, or {@code UTC}).
   *
   * @throws InvalidScheduleException naming {@code cron} or {@code time_zone}
   */
  public static Cron parse(String expression, String timeZone) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidScheduleException("cron", "cron is required: six fields (second minute hour day month weekday),"
          + " five (minute first), or a macro such as @daily");
    }
    String text = expression.strip().replaceAll("\\s+", " ");
    if (text.length() > 200) {
      throw new InvalidScheduleException("cron", "cron is longer than 200 characters");
    }
    String six = text;
    if (!text.startsWith("@")) {
      int fields = text.split(" ").length;
      if (fields == 5) {
        six = "0 " + text;
      } else if (fields != 6) {
        throw new InvalidScheduleException("cron", "cron must have six fields (second minute hour day month weekday)"
            + " or five (minute hour day month weekday), not " + fields + ": \"" + text + "\"");
      }
    }
    CronExpression parsed;
    try {
      parsed = CronExpression.parse(six.startsWith("@") ? six.toLowerCase(Locale.ROOT) : six);
    } catch (IllegalArgumentException e) {
      throw new InvalidScheduleException("cron", "cron \"" + text + "\" is not valid: " + e.getMessage());
    }
    if (timeZone == null || timeZone.isBlank()) {
      throw new InvalidScheduleException("time_zone", "time_zone is required: an IANA zone such as Europe/Paris, or UTC");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw new InvalidScheduleException("time_zone", "time_zone \"" + timeZone + "\" is not a known zone:"
          + " give an IANA id such as Europe/Paris, America/New_York or UTC");
    }
    return new Cron(text, parsed, zone);
  }

  /** The expression as given, spaces normalized. */
  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first fire time after {@code afterMs} (strictly), in ms since the epoch, or -1 if there is none. */
  public long next(long afterMs) {
    ZonedDateTime after = ZonedDateTime.ofInstant(Instant.ofEpochMilli(afterMs), zone);
    ZonedDateTime next = cron.next(after);
    for (int i = 0; next != null && i < MAX_REPEATED && !next.toLocalDateTime().isAfter(after.toLocalDateTime()); i++) {
      next = cron.next(next); // a fall-back hour repeats wall-clock times that already fired
    }
    return next == null ? -1 : next.toInstant().toEpochMilli();
  }
}
