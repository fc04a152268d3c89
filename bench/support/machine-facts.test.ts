import assert from 'node:assert/strict';
import { test } from 'node:test';
import { machineFacts } from './machine-facts.ts';

test('the machine table names each fact, with the bench’s own role, dialects and parameters', async () => {
  const text = await machineFacts({
    nodeRuns: 'server and client',
    dialects: ['sqlite', 'postgres'],
    parameters: 'projects=50 requests=100',
  });
  const lines = text.split('\n');
  assert.equal(lines[0], 'Machine');
  assert.match(lines[1] ?? '', /^fact {10}value$/);
  assert.match(lines[2] ?? '', /^-{12} {2}-+$/);
  const rows = new Map(lines.slice(3).map((line) => [line.slice(0, 12).trimEnd(), line.slice(14)]));
  assert.deepEqual(
    [...rows.keys()],
    ['date', 'node', 'os', 'cpus', 'memory', 'git', 'load average', 'dialect', 'parameters'],
  );
  assert.equal(rows.get('node'), `${process.version} (${process.execPath}), server and client`);
  assert.equal(rows.get('dialect'), 'sqlite, postgres');
  assert.equal(rows.get('parameters'), 'projects=50 requests=100');
  assert.match(rows.get('date') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(rows.get('memory') ?? '', /^\d+\.\d GiB$/);
  assert.match(rows.get('load average') ?? '', /^\d+\.\d\d \d+\.\d\d \d+\.\d\d \(1\/5\/15 min, at start\)$/);
  assert.match(rows.get('git') ?? '', /^git version /);
});
