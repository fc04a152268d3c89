import { Cron } from 'croner';
import { GantryError } from '../domain/errors.ts';

/** A validated cron expression in a time zone. */
export interface CronSchedule {
  /** The IANA time zone the expression is read in. */
  timezone: string;
  /** The first run strictly after `instant`, or null when the expression never matches again. */
  nextAfter(instant: Date): Date | null;
}

// Standard five-field cron, as GitLab's schedules take it, or one of the usual nicknames.
const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/**
 * Parses a pipeline schedule's cron expression (five fields: minute hour day-of-month month
 * day-of-week, with `*`, lists, ranges, steps and names, or `@daily` and friends) in an IANA time
 * zone. Day-of-month and day-of-week combine with OR, as in Vixie cron. Throws a validation error
 * naming the field (`/cron` or `/cron_timezone`) and what was expected.
 */
export function parseCronSchedule(expression: string, timezone: string): CronSchedule {
  const zone = checkTimezone(timezone);
  const text = expression.trim();
  const fields = text.split(/\s+/);
  if (!(fields.length === 5 || (fields.length === 1 && NICKNAMES.has(text.toLowerCase())))) {
    throw invalidCron('a cron expression has five fields: minute hour day-of-month month day-of-week');
  }
  let cron: Cron;
  try {
    cron = new Cron(text, { timezone: zone, mode: '5-part', paused: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw invalidCron(`invalid cron expression: ${reason}`);
  }
  const nextAfter = (instant: Date): Date | null => cron.nextRun(instant);
  // An expression such as `0 0 30 2 *` (February 30th) parses but never runs.
  if (nextAfter(new Date(0)) === null) throw invalidCron('this cron expression never matches a date');
  return { timezone: zone, nextAfter };
}

/** The time zone unchanged when it is an IANA zone name Node knows, else a validation error naming `/cron_timezone`. */
export function checkTimezone(timezone: string): string {
  // Intl also takes UTC offsets (+01:00); schedules need a zone name so daylight saving is followed.
  if (/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(timezone)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
      return timezone;
    } catch {
      // Fall through to the error below.
    }
  }
  throw new GantryError('validation_failed', `"${timezone}" is not an IANA time zone such as Europe/Berlin`, [
    { path: '/cron_timezone', message: 'an IANA time zone name such as UTC or America/New_York' },
  ]);
}

function invalidCron(message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path: '/cron', message }]);
}
