import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, test } from 'node:test';
import { JobLogStore } from './job-log-store.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function store(onAppend: (jobId: number, size: number) => void = () => {}) {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-logs-'));
  dirs.push(dir);
  const logs = new JobLogStore(dir, onAppend);
  await logs.init();
  return logs;
}

test('appends in order, masks secrets across chunks, reports growth', async () => {
  const sizes: number[] = [];
  const logs = await store((_, size) => sizes.push(size));
  await logs.open(1, ['my-secret-value']);
  const chunks = ['line 1\n', 'token my-sec', 'ret-value end\n', '\x1b[31mred\x1b[0m\n'];
  await Promise.all(chunks.map((c) => logs.append(1, Buffer.from(c))));
  const size = await logs.close(1);
  const stored = await readFile(logs.pathOf(1), 'utf8');
  assert.equal(stored, 'line 1\ntoken [MASKED] end\n\x1b[31mred\x1b[0m\n');
  assert.equal(size, Buffer.byteLength(stored));
  assert.equal(sizes.at(-1), size);
  assert.ok(sizes.every((s, i) => i === 0 || s >= sizes[i - 1]!));
});

test('reads ranges by offset and ignores chunks for closed logs', async () => {
  const logs = await store();
  await logs.open(2, []);
  await logs.append(2, Buffer.from('0123456789'));
  assert.equal(await text((await logs.read(2, 3, 7)) as Readable), '3456');
  assert.equal(await text((await logs.read(2, 5)) as Readable), '56789');
  assert.equal(await logs.read(2, 10), null);
  await logs.close(2);
  await logs.append(2, Buffer.from('late'));
  assert.equal(await logs.size(2), 10);
  assert.equal(await logs.size(99), 0);
});

test('reopening resumes at the end (runner reconnect, server restart)', async () => {
  const logs = await store();
  await logs.open(3, []);
  await logs.append(3, Buffer.from('first\n'));
  await logs.close(3);
  await logs.open(3, []);
  await logs.append(3, Buffer.from('second\n'));
  await logs.closeAll();
  assert.equal(await readFile(logs.pathOf(3), 'utf8'), 'first\nsecond\n');
});
