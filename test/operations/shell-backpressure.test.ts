import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES } from '../../src/api/shell-bridge.ts';
import {
  cleanUpPodman,
  deployPipeline,
  podmanDependency,
  podmanProject,
  pushAndDeploy,
} from '../podman/podman-helpers.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { eventually } from '../support/pipeline-helpers.ts';
import { blockedWriting } from '../support/process-writes.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';
import { buildShellImage, tickingApp } from './operations-fixtures.ts';

// The shell WebSocket's flow control end to end on real Podman: a client that stops reading while
// `yes` runs in the container stops `yes` (the server holds no growing queue), and gets the rest
// once it reads again; a message over the size limit closes the shell. The database plays no part
// in this: SQLite only.

const run = randomBytes(3).toString('hex');
const imagePrefix = `gantry-flow-${run}`;
const MiB = 1024 * 1024;

/** The host pid of the process whose command line is exactly `argv`. */
async function processOf(argv: string[]): Promise<number | undefined> {
  const wanted = `${argv.join('\0')}\0`;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline === wanted) return Number(entry);
  }
  return undefined;
}

describe('Shell WebSocket flow control on Podman', podmanDependency.options, () => {
  let image: string;
  let t: TestServer;
  let work: { path: string; cleanup(): Promise<void> };

  before(async () => {
    podmanDependency.assertPresent();
    image = await buildShellImage(`${imagePrefix}-app`);
    t = await startTestServer('sqlite');
    work = await scratchDir();
  });
  after(async () => {
    await t?.stop();
    await work?.cleanup();
    await cleanUpPodman(`flow-${run}`);
    await cleanUpPodman(imagePrefix);
  });

  test('a client that stops reading stops `yes` in the container; reading again, it gets the rest', async () => {
    const project = await podmanProject(t, work.path, `flow-${run}/app`);
    const deployed = await pushAndDeploy(t, project, {
      'k8s/app.yaml': tickingApp(image),
      '.gantry.yml': deployPipeline('manifests: k8s/\ntimeout: 60s'),
    });
    const production = deployed.deployments.production!;
    assert.equal(production.status, 'success');
    const url = `${t.url.replace(/^http/, 'ws')}/api/v1/projects/${project.id}/environments/${production.environment.id}/shell?command=/bin/sh`;

    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    let received = 0;
    let text = '';
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      received += data.length;
      if (text.length < 4096) text += data.toString('latin1');
    });
    await once(socket, 'open');
    try {
      const marker = `flow-${run}`;
      socket.send(Buffer.from(`busybox yes ${marker}\n`), { binary: true });
      await eventually(
        async () => (received > 2 * MiB ? true : undefined),
        () => `only ${received} bytes came: ${text}`,
      );
      const used = () => {
        const memory = process.memoryUsage();
        return memory.arrayBuffers + memory.heapUsed;
      };
      const memoryAtPause = used();
      socket.pause();
      const atPause = received;
      const yes = await eventually(
        () => processOf(['busybox', 'yes', marker]),
        () => 'yes does not run',
      );
      await blockedWriting(yes);
      const grown = used() - memoryAtPause;
      console.log(`a client not reading: the server (this process) grew ${(grown / MiB).toFixed(1)} MiB`);
      // `yes` blocked above is the proof that output stops being read; this bound only catches a
      // queue that grows anyway (uncollected garbage of a loaded test process counts in it too).
      assert.ok(grown < 96 * MiB, `the server grew by ${grown} bytes while its client did not read`);
      socket.resume();
      await eventually(
        async () => (received > atPause + 8 * MiB ? true : undefined),
        () => `reading again, only ${received - atPause} more bytes came`,
      );

      const closed = once(socket, 'close');
      socket.send(new Uint8Array(MAX_MESSAGE_BYTES + 1), { binary: true });
      const [code] = (await closed) as [number];
      assert.equal(code, 1009);
      await eventually(
        async () => ((await processOf(['busybox', 'yes', marker])) === undefined ? true : undefined),
        () => 'yes still runs after its shell was closed',
      );
    } finally {
      socket.terminate();
    }
  });
});
