import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, test } from 'node:test';
import { ArtifactStore } from './artifact-store.ts';

let dir = '';
after(() => rm(dir, { recursive: true, force: true }));

test('saves within the limit with size and hash; refuses larger uploads without a trace', async () => {
  dir = await mkdtemp(join(tmpdir(), 'gantry-artifacts-'));
  const store = new ArtifactStore(dir, 1000);
  await store.init();
  const data = Buffer.alloc(600, 7);
  const saved = await store.save(5, Readable.from([data.subarray(0, 300), data.subarray(300)]));
  assert.deepEqual(saved, {
    file: '5.tar.gz',
    size: 600,
    sha256: createHash('sha256').update(data).digest('hex'),
  });
  assert.deepEqual(await buffer(store.open(saved.file)), data);

  await assert.rejects(
    store.save(5, Readable.from([Buffer.alloc(800), Buffer.alloc(800)])),
    /larger than 1000 bytes/,
  );
  assert.deepEqual(await readdir(dir), ['5.tar.gz'], 'the good archive stays, no temp file remains');
  assert.deepEqual(await buffer(store.open('5.tar.gz')), data);
});
