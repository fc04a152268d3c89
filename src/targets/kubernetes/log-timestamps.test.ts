import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantKey, linesSince } from './log-timestamps.ts';

test('instants with up to nine fractional digits and any offset compare in time order', () => {
  const ordered = [
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.000000001Z',
    '2026-01-01T00:00:00.1Z',
    '2026-01-01T01:00:00.2+01:00',
    '2026-01-01T00:00:00.25Z',
    '2026-01-01T00:00:01Z',
  ];
  const keys = ordered.map((instant) => instantKey(instant) ?? assert.fail(instant));
  assert.deepEqual([...keys].sort(), keys);
});

test('an instant that is no RFC 3339 has no key', () => {
  for (const text of ['yesterday', '2026-01-01', '2026-01-01T00:00:00', ''])
    assert.equal(instantKey(text), undefined);
});

test('keeps the lines at or after the instant, finer than the whole second the API passes on', () => {
  const text = [
    '2026-01-01T00:00:05.100Z early\n',
    '2026-01-01T00:00:05.5Z exactly\n',
    '2026-01-01T00:00:05.600000001Z later\n',
    'no timestamp\n',
  ].join('');
  const since = instantKey('2026-01-01T00:00:05.500Z') ?? assert.fail();
  assert.equal(
    linesSince(text, since),
    '2026-01-01T00:00:05.5Z exactly\n2026-01-01T00:00:05.600000001Z later\nno timestamp\n',
  );
  assert.equal(linesSince('2026-01-01T00:00:04Z old\n', since), '');
});
