import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { LogChunk } from '../environment-operations.ts';
import { containerLog } from './container-log.ts';

// The fake podman's log: one run that crashed. Asked `--until` (the runs before the last start),
// it has nothing, as Podman has after counting a restart that a stop cut short.
const FAKE_LOGS = `
if [ "$1" = logs ]; then
  case " $* " in *" --until "*) exit 0 ;; esac
  printf '%s\\n' '2026-11-29T10:00:00.100000000Z tick 1' '2026-11-29T10:00:00.300000000Z crashing now'
fi`;

const source = (run: { startedAt: string; finishedAt: string; restarts: number }) => ({
  pod: 'web-pod-0',
  container: 'app',
  podmanName: 'web-pod-0-app',
  run,
});

async function read(chunks: AsyncIterable<LogChunk>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk.text;
  return text;
}

test('previous of an ended container whose counted restart never started is its one, crashed run', async (t) => {
  const fake = await fakePodmanHost(FAKE_LOGS);
  t.after(() => fake.close());
  const ended = {
    startedAt: '2026-11-29T10:00:00.050Z',
    finishedAt: '2026-11-29T10:00:00.310Z',
    restarts: 1,
  };
  const request = { previous: true, follow: false, signal: new AbortController().signal };
  const text = await read(containerLog(fake.host, source(ended), request));
  assert.match(text, /tick 1\n.*crashing now\n$/);
});

test('previous of a container running again stays empty when its earlier runs wrote nothing', async (t) => {
  const fake = await fakePodmanHost(FAKE_LOGS);
  t.after(() => fake.close());
  const running = {
    startedAt: '2026-11-29T10:00:00.050Z',
    finishedAt: '2026-11-29T10:00:00.010Z',
    restarts: 1,
  };
  const request = { previous: true, follow: false, signal: new AbortController().signal };
  assert.equal(await read(containerLog(fake.host, source(running), request)), '');
});
