import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser } from '../../src/cli/sse-parser.ts';
import { SseEventReader } from './sse-event-reader.ts';

const STREAM = [
  ': keep-alive\n\n',
  'event: logs\ndata: {"source":"p/c","lines":["2026-11-29T10:00:00Z héllo"]}\n\n',
  'id: 7\nevent: skipped\ndata: {"lines":3}\n\n',
  'data: first\ndata: second\n\n',
  'event: end\ndata: {}\n\n',
].join('');

test('events as SseParser reads them, however the body is cut into chunks', () => {
  const bytes = Buffer.from(STREAM);
  const expected = new SseParser().push(STREAM);
  assert.deepEqual(
    expected.map((e) => e.event),
    ['logs', 'skipped', 'message', 'end'],
  );
  for (const size of [1, 2, 3, 5, 7, 13, 64, bytes.length]) {
    const reader = new SseEventReader();
    const events = [];
    for (let at = 0; at < bytes.length; at += size)
      events.push(...reader.push(bytes.subarray(at, at + size)));
    assert.deepEqual(events, expected, `chunks of ${size} bytes`);
  }
});

test('an event is held until its blank line arrives', () => {
  const reader = new SseEventReader();
  assert.deepEqual(reader.push(Buffer.from('event: end\ndata: {}\n')), []);
  assert.deepEqual(reader.push(Buffer.from('\nevent: x')), [{ event: 'end', data: '{}' }]);
  assert.deepEqual(reader.push(Buffer.from('\ndata:no-space\n\n')), [{ event: 'x', data: 'no-space' }]);
});
