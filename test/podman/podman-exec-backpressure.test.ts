import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import type { EnvironmentOperations } from '../../src/targets/environment-operations.ts';
import { openPodmanOperations } from '../../src/targets/podman/environment-operations.ts';
import { ensurePodmanTestImage } from '../runner/podman-test-image.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { eventually } from '../support/pipeline-helpers.ts';
import { blockedWriting } from '../support/process-writes.ts';
import { podmanRow } from './fake-podman.ts';
import { cleanUpPodman, podman, podmanDependency } from './podman-helpers.ts';

// A terminal on this host's real Podman whose reader stops reading: `yes` in the container must
// stop with it (nothing piles up in this process), and go on once reading resumes. And the Podman
// API service Gantry starts for a terminal must not outlive a Gantry killed with SIGKILL.

const run = randomBytes(3).toString('hex');
const key = `podflow-${run}`;
const PROJECT_ID = 43;
const podName = `${key}-app`;
const MiB = 1024 * 1024;

function runs(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Podman terminal flow control', podmanDependency.options, () => {
  let scratch: ScratchDir;
  let operations: EnvironmentOperations;
  const secrets = new SecretBox(randomBytes(32));

  before(async () => {
    podmanDependency.assertPresent();
    const image = await ensurePodmanTestImage();
    scratch = await scratchDir('gantry-podman-flow-');
    const file = join(scratch.path, 'pod.yaml');
    await writeFile(
      file,
      `apiVersion: v1
kind: Pod
metadata:
  name: ${podName}
  labels: { gantry.dev/environment-key: ${key}, gantry.dev/project: "${PROJECT_ID}" }
spec:
  containers:
    - name: main
      image: ${image}
      command: ["sleep", "100000"]
`,
    );
    await podman(['kube', 'play', file]);
    operations = await openPodmanOperations({
      target: podmanRow(secrets),
      podman: { secrets, scratchDir: join(scratch.path, 'sessions') },
      namePrefix: `${key}-`,
      projectId: PROJECT_ID,
      ports: [],
    });
  });
  after(async () => {
    await operations?.close();
    await cleanUpPodman(key);
    await scratch?.cleanup();
  });

  test('paused, `yes` in the container blocks and this process holds no more; resumed, output goes on', async () => {
    const session = await operations.exec({
      command: ['yes', 'x'.repeat(100)],
      size: { cols: 200, rows: 50 },
      signal: AbortSignal.timeout(120_000),
    });
    let received = 0;
    session.onOutput((data) => {
      received += data.length;
    });
    try {
      await eventually(
        async () => (received > MiB ? true : undefined),
        () => `only ${received} bytes came`,
      );
      const used = () => {
        const memory = process.memoryUsage();
        return memory.arrayBuffers + memory.heapUsed;
      };
      const memoryAtPause = used();
      session.pause();
      const atPause = received;
      const yes = await eventually(
        async () => {
          const top = await podman(['top', `${podName}-main`, 'hpid', 'args']);
          return /^\s*(\d+)\s+yes /m.exec(top)?.[1];
        },
        () => 'yes does not run in the container',
      );
      await blockedWriting(Number(yes));
      const grown = used() - memoryAtPause;
      console.log(
        `paused terminal: ${received - atPause} bytes delivered after the pause, memory grew ${(grown / MiB).toFixed(1)} MiB`,
      );
      assert.ok(received - atPause < MiB, `${received - atPause} bytes were delivered while paused`);
      assert.ok(grown < 16 * MiB, `this process grew by ${grown} bytes while paused`);
      session.resume();
      await eventually(
        async () => (received > atPause + 8 * MiB ? true : undefined),
        () => `after resuming only ${received - atPause} bytes came`,
      );
    } finally {
      session.close();
    }
    assert.deepEqual(await session.exited, { exitCode: null });
  });

  test("a terminal's Podman service does not outlive the Gantry process that started it, even one killed by SIGKILL", async () => {
    const module = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
    const gantry = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { PodmanHost } from ${module('../../src/targets/podman/podman-host.ts')};
         import { PodmanService } from ${module('../../src/targets/podman/podman-service.ts')};
         import { mergePodmanSettings } from ${module('../../src/targets/podman/podman-settings.ts')};
         const host = await PodmanHost.open({ ...mergePodmanSettings({}, null), scratchDir: process.argv[1] });
         const service = await PodmanService.start(host);
         console.log(service.pid);
         setInterval(() => {}, 1000);`,
        join(scratch.path, 'killed-gantry'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(createInterface({ input: gantry.stdout }), 'line')) as [string];
    const pid = Number(line);
    assert.ok(pid > 0 && runs(pid), `the service's pid: ${line}`);
    assert.match(await readFile(`/proc/${pid}/cmdline`, 'utf8'), /system\0service\0--time=60\0/);
    gantry.kill('SIGKILL');
    await eventually(
      async () => (runs(pid) ? undefined : true),
      () => `podman system service (${pid}) still runs`,
      30_000,
    );
  });
});
