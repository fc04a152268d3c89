import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchLogLineParser } from './bench-log-line.ts';

const at = (iso: string) => Date.parse(iso);

test('a burst line gives both clocks in milliseconds, its tag and sequence number', () => {
  const parser = new BenchLogLineParser();
  const line = `2026-11-29T10:00:00.123456789Z 1795946190266775 b1 0000000042 ${'x'.repeat(160)}`;
  const parsed = parser.parse(line);
  assert.equal(parsed?.kind, 'burst');
  assert.equal(parsed.tag, 'b1');
  assert.equal(parsed.seq, 42);
  assert.ok(Math.abs(parsed.stampMs - (at('2026-11-29T10:00:00Z') + 123.456789)) < 1e-6);
  assert.equal(parsed.producedMs, 1795946190266.775);
});

test('timestamps with a short fraction or none, as Gantry writes them once trailing zeros are dropped', () => {
  const parser = new BenchLogLineParser();
  assert.equal(
    parser.parse('2026-11-29T10:00:01.5Z 1795946190266775 idle 7')?.stampMs,
    at('2026-11-29T10:00:01.500Z'),
  );
  assert.equal(
    parser.parse('2026-11-29T10:00:01Z 1795946190266775 idle 8')?.stampMs,
    at('2026-11-29T10:00:01Z'),
  );
  // The cached second is replaced when the next one starts.
  assert.equal(
    parser.parse('2026-11-29T10:00:02.25Z 1795946190266775 idle 9')?.stampMs,
    at('2026-11-29T10:00:02.250Z'),
  );
});

test('heartbeat and end lines', () => {
  const parser = new BenchLogLineParser();
  assert.deepEqual(parser.parse('2026-11-29T10:00:01Z 1795946190266775 idle 17'), {
    kind: 'idle',
    stampMs: at('2026-11-29T10:00:01Z'),
    producedMs: 1795946190266.775,
    seq: 17,
  });
  assert.deepEqual(
    parser.parse('2026-11-29T10:00:01Z 1795946190266775 b1 end lines=3000000 seconds=30.002 max_late_ms=3.5'),
    {
      kind: 'end',
      stampMs: at('2026-11-29T10:00:01Z'),
      producedMs: 1795946190266.775,
      tag: 'b1',
      lines: 3_000_000,
      seconds: 30.002,
      maxLateMs: 3.5,
    },
  );
});

test('lines the producer did not write, or without a timestamp, are not read', () => {
  const parser = new BenchLogLineParser();
  for (const line of [
    '',
    'no timestamp here',
    '2026-11-29T10:00:01Z hello from somewhere else',
    '2026-11-29T10:00:01Z 1795946190266775 control file ignored: "x"',
    '2026-11-29T10:00:01Z 1795946190266775 b1 00000000xx xxx',
    '2026-11-29T10:00:01Z 1795946190266775 b1 end lines=x',
    '2026-13-29T10:00:01+01:00 1795946190266775 idle 1',
    '2026-11-29T10:00:01.Z 1795946190266775 idle 1',
  ]) {
    assert.equal(parser.parse(line), undefined, line);
  }
});
