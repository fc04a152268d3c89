import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import { blockedWriting } from '../../../test/support/process-writes.ts';
import { INPUT_NOT_READ } from '../environment-operations.ts';
import { HANG_UP } from './api-exec-session.ts';
import { openCliExecSession } from './cli-exec-session.ts';

const session = (
  host: Parameters<typeof openCliExecSession>[0]['host'],
  signal = new AbortController().signal,
) =>
  openCliExecSession({
    host,
    pod: 'shop-prod-web-pod-0',
    container: 'web',
    podmanName: 'shop-prod-web-pod-0-web',
    command: ['sh', '-c', 'anything'],
    signal,
  });

test("podman exec -i -t of the container: keystrokes in, output out (podman's errors too), its exit code", async () => {
  const fake = await fakePodmanHost(
    'echo "$*"; read line; echo "got $line"; echo "Error: a podman complaint" >&2; exit 4',
  );
  try {
    const exec = session(fake.host);
    let output = '';
    exec.onOutput((data) => {
      output += Buffer.from(data).toString();
    });
    exec.resize({ cols: 10, rows: 10 });
    exec.write(new TextEncoder().encode('typed\n'));
    assert.deepEqual(await exec.exited, { exitCode: 4 });
    assert.match(output, /^exec --interactive --tty shop-prod-web-pod-0-web sh -c anything\ngot typed\n/);
    assert.match(output, /Error: a podman complaint/);
  } finally {
    await fake.close();
  }
});

test('close hangs the terminal up (control-C, control-D, end of input); the session ends with no exit code', async () => {
  const fake = await fakePodmanHost('cat > "$(dirname "$0")/stdin"; exit 0');
  try {
    const abort = new AbortController();
    const exec = session(fake.host, abort.signal);
    exec.write(new TextEncoder().encode('ls'));
    abort.abort();
    exec.write(new TextEncoder().encode('ignored'));
    assert.deepEqual(await exec.exited, { exitCode: null });
    assert.deepEqual(await readFile(join(fake.dir, 'stdin')), Buffer.concat([Buffer.from('ls'), HANG_UP]));
  } finally {
    await fake.close();
  }
});

test('podman that cannot start ends the session with the reason', async () => {
  const fake = await fakePodmanHost('true');
  try {
    const { PodmanHost } = await import('./podman-host.ts');
    const { mergePodmanSettings } = await import('./podman-settings.ts');
    const missing = await PodmanHost.open({
      ...mergePodmanSettings({}, null),
      scratchDir: join(fake.dir, 'scratch'),
      binary: join(fake.dir, 'no-such-podman'),
    });
    const exit = await session(missing).exited;
    assert.equal(exit.exitCode, null);
    assert.match(exit.error ?? '', /not installed/);
    await missing.close();
  } finally {
    await fake.close();
  }
});

const MiB = 1024 * 1024;

test("paused, podman's output is not read and the command blocks; resumed, it goes on", async () => {
  const fake = await fakePodmanHost('echo $$ > "$(dirname "$0")/pid"; exec yes');
  try {
    const exec = session(fake.host);
    let received = 0;
    exec.onOutput((data) => {
      received += data.length;
    });
    try {
      while (received === 0) await sleep(10);
      exec.pause();
      const atPause = received;
      await blockedWriting(Number(await readFile(join(fake.dir, 'pid'), 'utf8')));
      assert.ok(received - atPause < MiB, `${received - atPause} bytes were read while paused`);
      exec.resume();
      while (received < atPause + 8 * MiB) await sleep(10);
    } finally {
      exec.close();
    }
    assert.deepEqual(await exec.exited, { exitCode: null });
  } finally {
    await fake.close();
  }
});

test('keystrokes podman does not take end the session past the limit, and podman is killed', async () => {
  const fake = await fakePodmanHost('exec sleep 1000');
  try {
    const exec = session(fake.host);
    let ended = false;
    void exec.exited.then(() => {
      ended = true;
    });
    const keys = new Uint8Array(64 * 1024).fill(0x61);
    let typed = 0;
    for (; !ended && typed < 64 * MiB; typed += keys.length) {
      exec.write(keys);
      await new Promise((resolve) => setImmediate(resolve));
    }
    exec.close();
    assert.ok(typed < 2 * MiB, `${typed} bytes were typed before the session ended`);
    assert.deepEqual(await exec.exited, { exitCode: null, error: INPUT_NOT_READ });
  } finally {
    await fake.close();
  }
});
