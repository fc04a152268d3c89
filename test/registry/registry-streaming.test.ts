import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';
import { basic, buildImage, podman, registryTools, removeImages, unique, v2 } from './registry-helpers.ts';

// A large layer goes through Gantry's /v2/ proxy as a stream: the server's memory does not grow by
// anything near the blob's size while podman pushes it. The server runs in this process, so this
// process's RSS is the server's. Each chunk read from a socket is a new Buffer, and V8 collects
// those only once 64 MiB of them are garbage: the sampler runs a full collection before each
// sample, so what it sees is memory the proxy holds, not garbage waiting for the collector.

const BLOB_BYTES = 64 * 1024 * 1024;
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

for (const dialect of DIALECTS) {
  describe(`streaming a large layer through the registry proxy (${dialect})`, {
    ...dialectSuiteOptions(dialect),
    ...registryTools.options,
  }, () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let reference: string;
    const project = `stream${unique()}/big`;

    before(async () => {
      registryTools.assertPresent();
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      assert.equal((await t.api('POST', 'projects', { body: { path: project } })).status, 201);
      scratch = await scratchDir('gantry-registry-stream-');
      const chunks = BLOB_BYTES / (1024 * 1024);
      await pipeline(
        Readable.from(
          (function* () {
            for (let i = 0; i < chunks; i++) yield randomBytes(1024 * 1024);
          })(),
        ),
        createWriteStream(join(scratch.path, 'big.bin')),
      );
      await writeFile(join(scratch.path, 'Containerfile'), 'FROM scratch\nCOPY big.bin /big.bin\n');
      reference = `${new URL(t.url).host}/${project}:v1`;
      await buildImage(t.dataDir, reference, scratch.path);
    });
    after(async () => {
      if (t) await removeImages(t.dataDir, [reference]);
      await t?.stop();
      await scratch?.cleanup();
    });

    test('pushing a 64 MiB layer does not grow the server by the layer', async (context) => {
      collectGarbage();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 25);
      try {
        await podman(t.dataDir, ['push', '--quiet', '--creds', `admin:${ADMIN_TOKEN}`, reference]);
      } finally {
        clearInterval(sampler);
      }
      const growth = peak - before;
      context.diagnostic(
        `RSS before ${before >> 20} MiB, peak ${peak >> 20} MiB, growth ${growth >> 20} MiB`,
      );
      assert.ok(
        growth < BLOB_BYTES / 2,
        `RSS grew by ${growth >> 20} MiB while pushing ${BLOB_BYTES >> 20} MiB`,
      );

      // The layer arrived whole: its manifest lists a layer of about the blob's size (gzip cannot shrink random bytes).
      const manifest = await v2(t.url, `/v2/${project}/manifests/v1`, {
        auth: basic('admin', ADMIN_TOKEN),
        headers: {
          accept:
            'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      });
      assert.equal(manifest.status, 200);
      const layers = manifest.body.layers as Array<{ size: number; digest: string }>;
      assert.equal(layers.length, 1);
      assert.ok(layers[0]!.size > BLOB_BYTES, `layer of ${layers[0]!.size} bytes`);
      const blob = await fetch(`${t.url}/v2/${project}/blobs/${layers[0]!.digest}`, {
        method: 'HEAD',
        headers: { authorization: basic('admin', ADMIN_TOKEN) },
      });
      assert.equal(blob.status, 200);
      assert.equal(Number(blob.headers.get('content-length')), layers[0]!.size);
    });
  });
}
