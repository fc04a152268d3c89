import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyChunk } from './chunk-encoding.ts';
import { downsampleWindow } from './downsampling.ts';
import type { MetricName } from './metric-names.ts';
import { FINE } from './metric-resolution.ts';

/** A fine chunk with `values` from slot `first` on. */
function fine(first: number, values: number[]): Float64Array {
  const chunk = emptyChunk(FINE.slots);
  chunk.set(values, first);
  return chunk;
}

test('a five-minute window is the mean of its samples, restarts its maximum, gaps ignored', () => {
  const cases: Array<{ metric: MetricName; chunk: Float64Array; slot: number; expected: number }> = [
    { metric: 'cpu_cores', chunk: fine(0, [0.5, 1.5]), slot: 0, expected: 1 },
    { metric: 'cpu_cores', chunk: fine(0, [0.5, 1.5]), slot: 29, expected: 1 },
    { metric: 'memory_bytes', chunk: fine(30, [100, Number.NaN, 200, 600]), slot: 45, expected: 300 },
    { metric: 'restarts', chunk: fine(60, [2, 3, 3]), slot: 61, expected: 3 },
    { metric: 'http_latency_p99_seconds', chunk: fine(330, [0.1, 0.3]), slot: 359, expected: 0.2 },
    // Slots of the next window do not count.
    { metric: 'cpu_cores', chunk: fine(29, [1, 5]), slot: 0, expected: 1 },
    { metric: 'cpu_cores', chunk: fine(29, [1, 5]), slot: 30, expected: 5 },
    // Nothing recorded: no value.
    { metric: 'cpu_cores', chunk: fine(0, [1]), slot: 30, expected: Number.NaN },
    { metric: 'restarts', chunk: emptyChunk(FINE.slots), slot: 0, expected: Number.NaN },
  ];
  for (const { metric, chunk, slot, expected } of cases) {
    assert.equal(downsampleWindow(metric, chunk, slot), expected, `${metric} slot ${slot}`);
  }
});
