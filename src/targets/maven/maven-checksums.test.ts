import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bytesDigests, fileDigests } from './maven-checksums.ts';

test('a file and the same bytes in memory get the same four digests and size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-checksums-'));
  try {
    const path = join(dir, 'a.jar');
    writeFileSync(path, 'abc');
    const fromFile = await fileDigests(path);
    assert.deepEqual(fromFile, bytesDigests(new TextEncoder().encode('abc')));
    assert.equal(fromFile.size, 3);
    assert.equal(fromFile.checksums.md5, '900150983cd24fb0d6963f7d28e17f72');
    assert.equal(fromFile.checksums.sha1, 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.equal(
      fromFile.checksums.sha256,
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(fromFile.checksums.sha512.length, 128);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
