import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
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
