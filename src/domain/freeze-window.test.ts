import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from './errors.ts';
import { activeFreeze, describeFreeze, type FreezePeriod, validateFreezePeriod } from './freeze-window.ts';

function period(overrides: Partial<FreezePeriod> = {}): FreezePeriod {
  return {
    id: 1,
    freezeStart: '0 23 * * 5',
    freezeEnd: '0 7 * * 1',
    cronTimezone: 'Europe/Berlin',
    projectId: 7,
    environmentScope: '*',
    ...overrides,
  };
}

// 2026-12-04 is a Friday; Berlin is UTC+1 and New York UTC-5 in December, UTC-4 in July.
const weekend = period();
const weekendUtc = period({ cronTimezone: 'UTC' });
const nightlyNewYork = period({
  freezeStart: '0 22 * * *',
  freezeEnd: '0 6 * * *',
  cronTimezone: 'America/New_York',
});

// [what, period, now, ends at (null: not in force)]
const cases: Array<[string, FreezePeriod, string, string | null]> = [
  ['Berlin weekend, Saturday noon', weekend, '2026-12-05T12:00:00.000Z', '2026-12-07T06:00:00.000Z'],
  ['Berlin weekend, Sunday night', weekend, '2026-12-06T23:30:00.000Z', '2026-12-07T06:00:00.000Z'],
  ['Berlin weekend, just before the start', weekend, '2026-12-04T21:59:59.999Z', null],
  ['Berlin weekend, exactly at the start', weekend, '2026-12-04T22:00:00.000Z', '2026-12-07T06:00:00.000Z'],
  ['Berlin weekend, just before the end', weekend, '2026-12-07T05:59:59.999Z', '2026-12-07T06:00:00.000Z'],
  ['Berlin weekend, exactly at the end', weekend, '2026-12-07T06:00:00.000Z', null],
  ['Berlin weekend, Wednesday', weekend, '2026-12-09T12:00:00.000Z', null],
  ['UTC weekend, Friday 22:30 UTC (23:30 in Berlin)', weekendUtc, '2026-12-04T22:30:00.000Z', null],
  ['UTC weekend, Friday 23:30 UTC', weekendUtc, '2026-12-04T23:30:00.000Z', '2026-12-07T07:00:00.000Z'],
  [
    'New York nightly, 23:00 in winter',
    nightlyNewYork,
    '2026-12-05T04:00:00.000Z',
    '2026-12-05T11:00:00.000Z',
  ],
  ['New York nightly, 07:00 in winter', nightlyNewYork, '2026-12-05T12:00:00.000Z', null],
  ['New York nightly, 21:59 in winter', nightlyNewYork, '2026-12-05T02:59:00.000Z', null],
  [
    'New York nightly, 22:30 in summer',
    nightlyNewYork,
    '2026-07-10T02:30:00.000Z',
    '2026-07-10T10:00:00.000Z',
  ],
  [
    'New York nightly, 05:30 in summer',
    nightlyNewYork,
    '2026-07-10T09:30:00.000Z',
    '2026-07-10T10:00:00.000Z',
  ],
  ['same start and end never freezes', period({ freezeEnd: '0 23 * * 5' }), '2026-12-05T12:00:00.000Z', null],
];
for (const [what, freeze, now, endsAt] of cases) {
  test(`${what}: ${endsAt === null ? 'not in force' : `in force until ${endsAt}`}`, () => {
    const active = activeFreeze([freeze], 'production', new Date(now));
    if (endsAt === null) assert.equal(active, null);
    else assert.deepEqual(active, { period: freeze, endsAt: new Date(endsAt) });
  });
}

const saturday = new Date('2026-12-05T12:00:00.000Z');

// [environment scope, environment name, applies?]
const scopes: Array<[string, string, boolean]> = [
  ['*', 'production', true],
  ['production', 'production', true],
  ['production', 'staging', false],
  ['review/*', 'review/feature-x', true],
  ['review/*', 'production', false],
];
for (const [environmentScope, environment, applies] of scopes) {
  test(`a freeze scoped to ${environmentScope} ${applies ? 'applies' : 'does not apply'} to ${environment}`, () =>
    assert.equal(activeFreeze([period({ environmentScope })], environment, saturday) !== null, applies));
}

test('of several freezes in force, the lowest id wins whatever the order given', () => {
  const periods = [period({ id: 5 }), period({ id: 2, cronTimezone: 'UTC' }), period({ id: 9 })];
  assert.equal(activeFreeze(periods, 'production', saturday)?.period.id, 2);
});

test('a freeze not in force or not applying is passed over for the next one', () => {
  const periods = [
    period({ id: 1, freezeStart: '0 23 * * 3', freezeEnd: '0 7 * * 4' }),
    period({ id: 2, environmentScope: 'staging' }),
    period({ id: 3 }),
  ];
  assert.equal(activeFreeze(periods, 'production', saturday)?.period.id, 3);
});

test('no freezes: nothing in force', () => assert.equal(activeFreeze([], 'production', saturday), null));

test('describing a freeze names the period, its window and its end', () => {
  assert.equal(
    describeFreeze({ period: period({ id: 3 }), endsAt: new Date('2026-12-07T06:00:00.000Z') }),
    'deploy freeze #3 "0 23 * * 5" → "0 7 * * 1" (Europe/Berlin) is active until 2026-12-07T06:00:00.000Z',
  );
  assert.equal(
    describeFreeze({ period: period({ id: 4 }), endsAt: null }),
    'deploy freeze #4 "0 23 * * 5" → "0 7 * * 1" (Europe/Berlin) is active with no end scheduled',
  );
});

const valid: Array<[string, string, string]> = [
  ['0 23 * * 5', '0 7 * * 1', 'Europe/Berlin'],
  ['0 22 * * *', '0 6 * * *', 'America/New_York'],
  ['30 18 24 12 *', '0 8 2 1 *', 'UTC'],
  ['0 0 29 2 *', '0 0 1 3 *', 'Asia/Kolkata'],
  ['0 17 * * FRI', '0 9 * * MON', 'Europe/London'],
];
for (const [freezeStart, freezeEnd, cronTimezone] of valid) {
  test(`freeze "${freezeStart}" → "${freezeEnd}" (${cronTimezone}) is valid`, () =>
    validateFreezePeriod({ freezeStart, freezeEnd, cronTimezone }));
}

// [start, end, timezone, the fields named wrong]
const invalid: Array<[string, string, string, string[]]> = [
  ['0 23 * *', '0 7 * * 1', 'UTC', ['/freezeStart']],
  ['0 23 * * 5', '61 7 * * 1', 'UTC', ['/freezeEnd']],
  ['0 0 23 * * 5', '0 7 * * 1', 'UTC', ['/freezeStart']],
  ['every friday', '0 7 * * 1', 'UTC', ['/freezeStart']],
  ['0 0 30 2 *', '0 7 * * 1', 'UTC', ['/freezeStart']],
  ['0 23 * * 5', '0 7 * * 1', 'Mars/Olympus_Mons', ['/cronTimezone']],
  ['0 23 * * 5', '0 7 * * 1', '', ['/cronTimezone']],
  ['bad', 'worse', 'Nowhere', ['/cronTimezone', '/freezeStart', '/freezeEnd']],
];
for (const [freezeStart, freezeEnd, cronTimezone, paths] of invalid) {
  test(`freeze "${freezeStart}" → "${freezeEnd}" (${cronTimezone}) is invalid in ${paths.join(', ')}`, () =>
    assert.throws(
      () => validateFreezePeriod({ freezeStart, freezeEnd, cronTimezone }),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'validation_failed' &&
        paths.every((path) => error.message.includes(path.slice(1))) &&
        assert.deepEqual(
          error.details.map((detail) => detail.path),
          paths,
        ) === undefined,
    ));
}

test('a bad cron expression is named with what was expected', () =>
  assert.throws(
    () => validateFreezePeriod({ freezeStart: '0 23 * *', freezeEnd: '0 7 * * 1', cronTimezone: 'UTC' }),
    /freezeStart.*"0 23 \* \*" is not a valid cron expression \(five fields/,
  ));

test('an unknown timezone is named with what was expected', () =>
  assert.throws(
    () => validateFreezePeriod({ freezeStart: '0 23 * * 5', freezeEnd: '0 7 * * 1', cronTimezone: 'Berlin' }),
    /"Berlin" is not a known timezone; expected an IANA name/,
  ));
