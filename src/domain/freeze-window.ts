import { Cron } from 'croner';
import { scopeMatches } from './environment-scope.ts';
import { GantryError } from './errors.ts';

/**
 * A deploy freeze: from each `freezeStart` occurrence to the next `freezeEnd` occurrence, both
 * five-field cron expressions read in `cronTimezone`, deployments to environments matching
 * `environmentScope` are refused. `projectId` null: an instance-wide freeze.
 */
export interface FreezePeriod {
  id: number;
  freezeStart: string;
  freezeEnd: string;
  cronTimezone: string;
  projectId: number | null;
  environmentScope: string;
}

/** A freeze in force: the period and when it ends (null: its end never occurs again). */
export interface ActiveFreeze {
  period: FreezePeriod;
  endsAt: Date | null;
}

// A pattern that never fires (`0 0 30 2 *`) is refused: it looks like a freeze but never is one.
// Any fixed instant works as the reference; 2000 was a leap year, so `29 2` fires from it.
const FIRES_FROM = new Date('2000-01-01T00:00:00.000Z');

function schedule(pattern: string, timezone: string): Cron {
  // Five fields like GitLab's freeze periods; `paused` because Gantry only asks for occurrences.
  return new Cron(pattern, { timezone, paused: true, mode: '5-part' });
}

function isKnownTimezone(timezone: string): boolean {
  if (timezone === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a freeze period's cron expressions and timezone (an IANA name such as `Europe/Berlin`).
 * @throws GantryError('validation_failed') naming each wrong field.
 */
export function validateFreezePeriod(input: {
  freezeStart: string;
  freezeEnd: string;
  cronTimezone: string;
}): void {
  const problems: Array<{ path: string; message: string }> = [];
  const timezoneKnown = isKnownTimezone(input.cronTimezone);
  if (!timezoneKnown) {
    problems.push({
      path: '/cronTimezone',
      message: `"${input.cronTimezone}" is not a known timezone; expected an IANA name such as "Europe/Berlin" or "UTC"`,
    });
  }
  for (const field of ['freezeStart', 'freezeEnd'] as const) {
    const pattern = input[field];
    let why: string | null = null;
    try {
      // An unknown timezone would fail here too; the pattern alone is checked against UTC.
      const fires = schedule(pattern, timezoneKnown ? input.cronTimezone : 'UTC').nextRun(FIRES_FROM);
      if (fires === null) why = 'never occurs';
    } catch (error) {
      why = error instanceof Error ? error.message : String(error);
    }
    if (why !== null) {
      problems.push({
        path: `/${field}`,
        message: `"${pattern}" is not a valid cron expression (five fields: minute hour day-of-month month day-of-week): ${why}`,
      });
    }
  }
  if (problems.length > 0) {
    const fields = problems.map((problem) => problem.path.slice(1)).join(', ');
    throw new GantryError(
      'validation_failed',
      `invalid freeze period (${fields}): ${problems[0]!.message}`,
      problems,
    );
  }
}

/** The latest occurrence at or before `now`, or null if there is none. */
function latestAtOrBefore(cron: Cron, now: Date): Date | null {
  // croner's previous runs are strictly before the reference; occurrences fall on whole seconds,
  // so one millisecond later includes an occurrence exactly at `now` and nothing after it.
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

/**
 * The freeze in force for a deployment to `environmentName` at `now`, or null. A period applies
 * when its environment scope matches the name, and is in force when its latest start at or before
 * `now` is later than its latest end at or before `now`, as in GitLab: a Friday 23:00 → Monday 07:00
 * freeze is in force all Saturday, and over exactly at its end. Of several, the one with the lowest
 * id is returned, so the answer never depends on storage order.
 */
export function activeFreeze(
  periods: FreezePeriod[],
  environmentName: string,
  now: Date,
): ActiveFreeze | null {
  const candidates = periods
    .filter((period) => scopeMatches(period.environmentScope, environmentName))
    .sort((a, b) => a.id - b.id);
  for (const period of candidates) {
    const start = schedule(period.freezeStart, period.cronTimezone);
    const end = schedule(period.freezeEnd, period.cronTimezone);
    const lastStart = latestAtOrBefore(start, now);
    if (lastStart === null) continue;
    const lastEnd = latestAtOrBefore(end, now);
    if (lastEnd !== null && lastStart.getTime() <= lastEnd.getTime()) continue;
    return { period, endsAt: end.nextRun(now) };
  }
  return null;
}

/**
 * Names a freeze in force for people reading why a deployment was refused, e.g.
 * `deploy freeze #3 "0 23 * * 5" → "0 7 * * 1" (Europe/Berlin) is active until 2026-12-07T06:00:00.000Z`.
 */
export function describeFreeze(active: ActiveFreeze): string {
  const { period, endsAt } = active;
  const until = endsAt === null ? 'with no end scheduled' : `until ${endsAt.toISOString()}`;
  return `deploy freeze #${period.id} "${period.freezeStart}" → "${period.freezeEnd}" (${period.cronTimezone}) is active ${until}`;
}
