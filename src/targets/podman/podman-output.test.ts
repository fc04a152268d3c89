import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import { eventually } from '../../../test/support/pipeline-helpers.ts';
import { podmanOutput } from './podman-output.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function text(chunks: AsyncIterable<Buffer>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk.toString();
  return all;
}

test('the output comes as podman writes it and ends with it', async () => {
  const fake = await fakePodmanHost('echo "args: $*"; echo two');
  try {
    assert.equal(
      await text(podmanOutput(fake.host, ['logs', 'x'], new AbortController().signal)),
      'args: logs x\ntwo\n',
    );
  } finally {
    await fake.close();
  }
});

test("a failing podman is thrown with podman's message", async () => {
  const fake = await fakePodmanHost(
    'echo partial; echo "Error: no container with name or ID \\"x\\" found" >&2; exit 125',
  );
  try {
    await assert.rejects(
      text(podmanOutput(fake.host, ['logs', 'x'], new AbortController().signal)),
      /podman logs x failed on the Gantry server: no container with name or ID "x" found/,
    );
  } finally {
    await fake.close();
  }
});

test('podman is killed when the consumer stops early, and when the signal aborts', async () => {
  const fake = await fakePodmanHost('echo $$ > "$(dirname "$0")/pid-$1"; exec yes');
  try {
    const pidOf = async (name: string) =>
      eventually(
        async () =>
          Number(await readFile(join(fake.dir, `pid-${name}`), 'utf8').catch(() => '')) || undefined,
        () => `${name} never started`,
      );
    for await (const _ of podmanOutput(fake.host, ['early'], new AbortController().signal)) break;
    const early = await pidOf('early');
    await eventually(
      async () => (alive(early) ? undefined : true),
      () => 'podman still runs after break',
    );

    const abort = new AbortController();
    const reading = text(podmanOutput(fake.host, ['aborted'], abort.signal));
    const aborted = await pidOf('aborted');
    abort.abort();
    assert.ok(!/[^y\n]/.test(await reading), 'the output just ends');
    await eventually(
      async () => (alive(aborted) ? undefined : true),
      () => 'podman still runs after abort',
    );
  } finally {
    await fake.close();
  }
});

test('a podman that cannot start is unavailable', async () => {
  const fake = await fakePodmanHost('true');
  try {
    const { PodmanHost } = await import('./podman-host.ts');
    const { mergePodmanSettings } = await import('./podman-settings.ts');
    const missing = await PodmanHost.open({
      ...mergePodmanSettings({}, null),
      scratchDir: join(fake.dir, 'scratch'),
      binary: join(fake.dir, 'no-such-podman'),
    });
    await assert.rejects(
      text(podmanOutput(missing, ['logs'], new AbortController().signal)),
      (error: Error & { code?: string }) =>
        error.code === 'unavailable' && /not installed/.test(error.message),
    );
    await missing.close();
  } finally {
    await fake.close();
  }
});
