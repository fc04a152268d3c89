import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../domain/errors.ts';
import { checkTimezone, parseCronSchedule } from './cron-schedule.ts';

// [cron, zone, after (UTC), expected next run (UTC)]
const next: Array<[string, string, string, string]> = [
  ['0 1 * * *', 'UTC', '2025-05-19T13:31:08.000Z', '2025-05-20T01:00:00.000Z'],
  ['*/5 * * * *', 'UTC', '2025-01-01T10:05:00.000Z', '2025-01-01T10:10:00.000Z'],
  ['*/5 * * * *', 'UTC', '2025-01-01T10:04:59.999Z', '2025-01-01T10:05:00.000Z'],
  // 09:30 on weekdays in Berlin: CET (+1) in winter, CEST (+2) after the change on 30 March 2025.
  ['30 9 * * 1-5', 'Europe/Berlin', '2025-03-28T12:00:00.000Z', '2025-03-31T07:30:00.000Z'],
  ['30 9 * * 1-5', 'Europe/Berlin', '2025-01-10T12:00:00.000Z', '2025-01-13T08:30:00.000Z'],
  ['0 0 * * *', 'Asia/Tokyo', '2025-06-01T00:00:00.000Z', '2025-06-01T15:00:00.000Z'],
  ['0 0 * * *', 'America/New_York', '2025-06-01T00:00:00.000Z', '2025-06-01T04:00:00.000Z'],
  ['0 0 * * *', 'America/New_York', '2025-01-01T00:00:00.000Z', '2025-01-01T05:00:00.000Z'],
  // 02:30 does not exist in New York on 9 March 2025 (clocks jump 02:00 → 03:00): run at 03:00 EDT.
  ['30 2 * * *', 'America/New_York', '2025-03-09T05:00:00.000Z', '2025-03-09T07:00:00.000Z'],
  ['0 0 1 JAN *', 'UTC', '2025-06-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  ['0 12 * * SUN', 'UTC', '2025-06-02T00:00:00.000Z', '2025-06-08T12:00:00.000Z'],
  ['@daily', 'UTC', '2025-06-01T10:00:00.000Z', '2025-06-02T00:00:00.000Z'],
  ['@hourly', 'Asia/Kolkata', '2025-06-01T10:00:00.000Z', '2025-06-01T10:30:00.000Z'],
];
for (const [cron, zone, after, expected] of next) {
  test(`${cron} in ${zone} after ${after} → ${expected}`, () => {
    assert.equal(parseCronSchedule(cron, zone).nextAfter(new Date(after))?.toISOString(), expected);
  });
}

const invalid: Array<[string, string, RegExp]> = [
  ['', 'UTC', /five fields/],
  ['* * * *', 'UTC', /five fields/],
  ['0 * * * * *', 'UTC', /five fields/],
  ['2030-01-01T00:00:00', 'UTC', /five fields/],
  ['61 * * * *', 'UTC', /invalid cron expression/],
  ['* 25 * * *', 'UTC', /invalid cron expression/],
  ['x * * * *', 'UTC', /invalid cron expression/],
  ['0 0 30 2 *', 'UTC', /never matches/],
  ['@sometimes', 'UTC', /five fields/],
];
for (const [cron, zone, message] of invalid) {
  test(`cron ${JSON.stringify(cron)} is refused`, () => {
    assert.throws(
      () => parseCronSchedule(cron, zone),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'validation_failed' &&
        message.test(error.message) &&
        error.details[0]?.path === '/cron',
    );
  });
}

const zones: Array<[string, string | null]> = [
  ['UTC', 'UTC'],
  ['Europe/Berlin', 'Europe/Berlin'],
  ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
  ['Nowhere/City', null],
  ['+01:00', null],
  ['', null],
  ['Pacific Time (US & Canada)', null],
];
for (const [zone, canonical] of zones) {
  test(`time zone ${JSON.stringify(zone)} is ${canonical === null ? 'refused' : 'accepted'}`, () => {
    if (canonical === null) {
      assert.throws(
        () => checkTimezone(zone),
        (error: unknown) => error instanceof GantryError && error.details[0]?.path === '/cron_timezone',
      );
    } else {
      assert.equal(checkTimezone(zone), canonical);
    }
  });
}
