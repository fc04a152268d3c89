import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CpuReadings, READING_MAX_AGE_MS } from './cpu-readings.ts';

test('a reading serves until it is too old, and pruning drops it then', () => {
  let now = 1_000;
  const readings = new CpuReadings(() => now);
  const reading = { containerId: 'abc', cpuNanos: 5, atNanos: 10 };
  readings.set(reading);
  readings.set({ containerId: 'def', cpuNanos: 1, atNanos: 2 });
  assert.deepEqual(readings.get('abc'), reading);
  assert.equal(readings.get('nope'), undefined);
  now += READING_MAX_AGE_MS / 2;
  readings.set({ containerId: 'def', cpuNanos: 3, atNanos: 4 });
  now += READING_MAX_AGE_MS / 2 + 1;
  assert.equal(readings.get('abc'), undefined);
  readings.prune();
  assert.equal(readings.size, 1);
  assert.deepEqual(readings.get('def'), { containerId: 'def', cpuNanos: 3, atNanos: 4 });
});
