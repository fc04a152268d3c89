import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CappedList } from './capped-list.ts';
import {
  applyLogEvent,
  formatLogTime,
  type LogEntry,
  type LogQuery,
  logStreamQuery,
  parseLogEvent,
  SOURCE_COLOURS,
  skippedText,
  sourceColour,
  sourceLabels,
  splitTimestamp,
} from './environment-log.ts';

const entries = (list: CappedList<LogEntry>) =>
  Array.from({ length: list.length }, (_, index) => list.at(index));

test('splitTimestamp takes the RFC 3339 stamp off a line', () => {
  assert.deepEqual(splitTimestamp('2026-05-01T10:00:00.123456789Z hello world'), {
    time: '2026-05-01T10:00:00.123456789Z',
    text: 'hello world',
  });
  assert.deepEqual(splitTimestamp('2026-05-01T10:00:00+02:00 x'), {
    time: '2026-05-01T10:00:00+02:00',
    text: 'x',
  });
  assert.deepEqual(splitTimestamp('2026-05-01T10:00:00Z'), { time: '2026-05-01T10:00:00Z', text: '' });
  assert.deepEqual(splitTimestamp('no stamp here'), { time: null, text: 'no stamp here' });
  assert.deepEqual(splitTimestamp('2026-05-01 10:00:00 not RFC 3339'), {
    time: null,
    text: '2026-05-01 10:00:00 not RFC 3339',
  });
});

test('parseLogEvent reads the documented events and turns anything else into an error', () => {
  assert.deepEqual(parseLogEvent('logs', '{"source":"web-0/app","lines":["a","b"]}'), {
    type: 'logs',
    source: 'web-0/app',
    lines: ['a', 'b'],
  });
  assert.deepEqual(parseLogEvent('skipped', '{"lines":1234}'), { type: 'skipped', lines: 1234 });
  assert.deepEqual(parseLogEvent('end', '{}'), { type: 'end' });
  assert.deepEqual(parseLogEvent('error', '{"message":"pod web-0 is gone"}'), {
    type: 'error',
    message: 'pod web-0 is gone',
  });
  assert.deepEqual(parseLogEvent('error', '{}'), { type: 'error', message: 'The log stream failed.' });
  assert.match(
    (parseLogEvent('logs', 'not json') as { message: string }).message,
    /logs event that is not JSON/,
  );
  assert.match(
    (parseLogEvent('logs', '{"source":1,"lines":[]}') as { message: string }).message,
    /logs event the view does not understand/,
  );
  assert.equal(parseLogEvent('skipped', '{"lines":-1}').type, 'error');
});

test('applyLogEvent adds lines with their source and time, and merges skipped markers', () => {
  const list = new CappedList<LogEntry>(10);
  applyLogEvent(list, { type: 'logs', source: 'p/a', lines: ['2026-05-01T10:00:00Z one', 'two'] });
  applyLogEvent(list, { type: 'skipped', lines: 5 });
  applyLogEvent(list, { type: 'skipped', lines: 1000 });
  applyLogEvent(list, { type: 'skipped', lines: 0 });
  applyLogEvent(list, { type: 'logs', source: 'p/b', lines: ['three'] });
  applyLogEvent(list, { type: 'skipped', lines: 1 });
  applyLogEvent(list, { type: 'end' });
  assert.deepEqual(entries(list), [
    { kind: 'line', source: 'p/a', time: '2026-05-01T10:00:00Z', text: 'one' },
    { kind: 'line', source: 'p/a', time: null, text: 'two' },
    { kind: 'skipped', lines: 1005 },
    { kind: 'line', source: 'p/b', time: null, text: 'three' },
    { kind: 'skipped', lines: 1 },
  ]);
});

test('applyLogEvent keeps memory bounded: a fast producer only moves the window', () => {
  const list = new CappedList<LogEntry>(100);
  const lines = Array.from({ length: 1000 }, (_, index) => `line ${index}`);
  for (let round = 0; round < 50; round++) applyLogEvent(list, { type: 'logs', source: 's/c', lines });
  assert.equal(list.length, 100);
  assert.equal(list.dropped, 49_900);
  assert.deepEqual(list.at(0), { kind: 'line', source: 's/c', time: null, text: 'line 900' });
});

test('skippedText says how many lines the view lost', () => {
  assert.equal(skippedText(1234), '… 1,234 lines skipped: this view fell behind');
  assert.equal(skippedText(1), '… 1 line skipped: this view fell behind');
});

test('logStreamQuery: narrows to a container, counts since back from now, follows unless previous', () => {
  const base: LogQuery = {
    source: null,
    tailLines: 500,
    since: 'all',
    previous: false,
    filter: '',
    follow: true,
  };
  const now = Date.parse('2026-05-01T12:00:00Z');
  assert.equal(logStreamQuery(base, now), 'tail_lines=500&follow=true');
  assert.equal(
    logStreamQuery({ ...base, source: 'web-0/app', since: '1h', filter: '  ERROR  ' }, now),
    'pod=web-0&container=app&tail_lines=500&since=2026-05-01T11%3A00%3A00.000Z&follow=true&filter=ERROR',
  );
  assert.equal(
    logStreamQuery({ ...base, source: 'web-0/app', previous: true, tailLines: 100 }, now),
    'pod=web-0&container=app&tail_lines=100&previous=true',
  );
  assert.equal(
    logStreamQuery({ ...base, follow: false, since: '5m' }, now),
    'tail_lines=500&since=2026-05-01T11%3A55%3A00.000Z',
  );
});

test('sourceLabels: container names when they tell sources apart, else the differing part of the pod', () => {
  assert.deepEqual(
    [...sourceLabels(['web-0/app', 'web-0/sidecar', 'web-0/app'])],
    [
      ['web-0/app', 'app'],
      ['web-0/sidecar', 'sidecar'],
    ],
  );
  assert.deepEqual(
    [...sourceLabels(['web-6d5f7f9c-x2abc/app', 'web-6d5f7f9c-q9zzz/app', 'worker-77/app'])],
    [
      ['web-6d5f7f9c-x2abc/app', 'web-6d5f7f9c-x2abc/app'],
      ['web-6d5f7f9c-q9zzz/app', 'web-6d5f7f9c-q9zzz/app'],
      ['worker-77/app', 'worker-77/app'],
    ],
    'nothing shared: the whole pod name',
  );
  assert.deepEqual(
    [...sourceLabels(['web-6d5f7f9c-x2abc/app', 'web-6d5f7f9c-x2zzz/app'])],
    [
      ['web-6d5f7f9c-x2abc/app', 'x2abc/app'],
      ['web-6d5f7f9c-x2zzz/app', 'x2zzz/app'],
    ],
    'the shared prefix is cut back to a separator',
  );
  assert.deepEqual([...sourceLabels([])], []);
});

test('sourceColour gives the first sources distinct colours and keeps each one', () => {
  const assigned = new Map<string, number>();
  const colours = Array.from({ length: SOURCE_COLOURS }, (_, index) => sourceColour(assigned, `p/${index}`));
  assert.equal(new Set(colours).size, SOURCE_COLOURS);
  assert.equal(sourceColour(assigned, 'p/3'), colours[3]);
  assert.equal(sourceColour(assigned, 'p/another'), 0, 'the palette wraps around');
});

test('formatLogTime shows the time of day to the millisecond', () => {
  assert.equal(formatLogTime('2026-05-01T10:00:07.123456789Z', 'UTC'), '10:00:07.123');
  assert.equal(formatLogTime('2026-05-01T10:00:07Z', 'Europe/Paris'), '12:00:07.000');
  assert.equal(formatLogTime('garbage'), 'garbage');
});
