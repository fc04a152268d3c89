import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FollowStats, unaccountedLines } from './follow-stats.ts';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const stamp = (ms: number) => new Date(T0 + ms).toISOString().replace(/\.?0*Z$/, 'Z');
const micros = (ms: number) => String((T0 + ms) * 1000).padStart(16, '0');
const burst = (tag: string, seq: number, producedAt: number, stampedAt: number) =>
  `${stamp(stampedAt)} ${micros(producedAt)} ${tag} ${String(seq).padStart(10, '0')} xxxx`;
const idle = (at: number, seq: number) => `${stamp(at)} ${micros(at)} idle ${seq}`;
const logs = (...lines: string[]) => ({
  event: 'logs',
  data: JSON.stringify({ source: 'pod/producer', lines }),
});

test('a heartbeat makes a follower live; lines of the tag are counted with both lags', () => {
  const stats = new FollowStats('b1');
  assert.equal(stats.live, false);
  stats.event(logs(idle(0, 1)), T0 + 1);
  assert.equal(stats.live, true);
  assert.equal(stats.done, false, 'no burst line yet');
  stats.event(logs(burst('b1', 0, 100, 102), burst('b1', 1, 100, 104)), T0 + 110);
  stats.event(logs(burst('other', 0, 100, 104)), T0 + 111);
  stats.received(1234);
  const result = stats.result();
  assert.equal(result.lines, 2);
  assert.equal(result.bytes, 1234);
  assert.equal(result.firstMs, T0 + 110);
  assert.equal(result.lastMs, T0 + 110);
  assert.deepEqual([result.stampLag.count, result.stampLag.minMs, result.stampLag.maxMs], [2, 6, 8]);
  assert.deepEqual([result.producerLag.minMs, result.producerLag.maxMs], [10, 10]);
  assert.deepEqual(
    [result.gaps, result.nextSeq, result.disordered, result.produced, result.done],
    [0, 2, 0, null, false],
  );
});

test('skipped lines account for holes in the sequence; the end line gives the count and ends it', () => {
  const stats = new FollowStats('b1');
  stats.event(logs(burst('b1', 0, 0, 0)), T0);
  stats.event({ event: 'skipped', data: '{"lines":3}' }, T0);
  stats.event(logs(burst('b1', 4, 0, 0), burst('b1', 5, 0, 0)), T0);
  stats.event(logs(`${stamp(10)} ${micros(10)} b1 end lines=6 seconds=30.001 max_late_ms=2.5`), T0 + 10);
  const result = stats.result();
  assert.equal(result.done, true);
  assert.deepEqual([result.lines, result.skipped, result.gaps, result.produced], [3, 3, 3, 6]);
  assert.equal(unaccountedLines(result, 6), 0);
  assert.deepEqual(result.producer, { seconds: 30.001, maxLateMs: 2.5 });
});

test('lines lost without a skipped event, or at the end, are unaccounted; repeats are disordered', () => {
  const stats = new FollowStats('b1');
  stats.event(logs(burst('b1', 1, 0, 0), burst('b1', 1, 0, 0), burst('b1', 3, 0, 0)), T0);
  stats.event(logs(`${stamp(0)} ${micros(0)} b1 end lines=6 seconds=1 max_late_ms=0`), T0);
  const result = stats.result();
  // Missing: 0, 2 (holes) and 4, 5 (after the last line received).
  assert.deepEqual([result.lines, result.gaps, result.nextSeq, result.disordered], [3, 2, 4, 1]);
  assert.equal(unaccountedLines(result, 6), 4);
});

test('a heartbeat after the burst ends it when its end line was skipped', () => {
  const stats = new FollowStats('b1');
  stats.event(logs(burst('b1', 0, 0, 0)), T0);
  stats.event({ event: 'skipped', data: '{"lines":10}' }, T0);
  stats.event(logs(idle(50, 9)), T0 + 50);
  assert.equal(stats.done, true);
  assert.equal(stats.result().produced, null);
  // The lines after the last one received were among the skipped ones.
  assert.equal(unaccountedLines(stats.result(), 11), 0);
});
