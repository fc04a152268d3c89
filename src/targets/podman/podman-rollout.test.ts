import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { podmanPods } from './podman-objects.ts';
import { ContainerFailure, waitForPods } from './podman-rollout.ts';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p-app' },
  spec: {
    containers: [
      { name: 'web', image: 'localhost/web:v1', readinessProbe: { exec: { command: ['/bin/ready'] } } },
      { name: 'worker', image: 'localhost/worker:v1' },
    ],
  },
};

/** `podman container inspect` printing each named container as running (or $STATE for web). */
const inspect = (webState: string, webExit = 0, webRestarts = 0) => `
if [ "$1 $2" = "container inspect" ]; then
  shift 4; sep=""; printf '['
  for name in "$@"; do
    status=running; code=0; health=null; restarts=0
    if [ "$name" = "p-app-web" ]; then status=${webState}; code=${webExit}; restarts=${webRestarts}; fi
    if [ "$name" = "p-app-worker" ]; then health='{"Test":["CMD","/bin/check"]}'; fi
    printf '%s{"Name":"%s","ImageName":"localhost/x:v1","ImageDigest":"sha256:1","RestartCount":%s,"State":{"Status":"%s","ExitCode":%s,"StartedAt":"2026-01-01T00:00:00Z"},"Config":{"Healthcheck":%s}}' "$sep" "$name" "$restarts" "$status" "$code" "$health"
    sep=","
  done
  printf ']\\n'; exit 0
fi`;

const request = (host: Parameters<typeof waitForPods>[0]['host'], lines: string[], timeoutMs = 10_000) => ({
  host,
  pods: podmanPods([pod]),
  ports: [],
  since: new Date(),
  timeoutMs,
  signal: new AbortController().signal,
  onProgress: (line: string) => void lines.push(line),
  pollMs: 10,
  settleMs: 30,
});

test('ready once the probe passes, the health check is healthy, and both stayed so', async () => {
  const fake = await fakePodmanHost(`${inspect('running')}
if [ "$1" = "exec" ]; then
  count=$(cat "$0.count" 2>/dev/null || echo 0); echo $((count + 1)) > "$0.count"
  [ "$count" -ge 2 ] && exit 0 || exit 1
fi
if [ "$1 $2" = "healthcheck run" ]; then echo healthy; exit 0; fi
exit 9`);
  try {
    const lines: string[] = [];
    const states = await waitForPods(request(fake.host, lines));
    assert.deepEqual(states.map((state) => state.name).sort(), ['p-app-web', 'p-app-worker']);
    assert.deepEqual(lines.sort(), [
      'pod p-app container web is running and ready (exec /bin/ready)',
      'pod p-app container worker is running and healthy',
    ]);
  } finally {
    await fake.close();
  }
});

test('a container that exits fails at once with its exit code and last log lines; its pod is stopped', async () => {
  const fake = await fakePodmanHost(`${inspect('exited', 3)}
if [ "$1 $2" = "pod stop" ]; then echo "$@" > "$0.stopped"; exit 0; fi
if [ "$1" = "events" ]; then echo '{"ContainerExitCode":3,"Status":"died"}'; exit 0; fi
if [ "$1" = "logs" ]; then echo "starting"; sleep 0.1; echo "DATABASE_URL is not set" >&2; exit 0; fi
exit 1`);
  try {
    await assert.rejects(waitForPods(request(fake.host, [])), (error: ContainerFailure) => {
      assert.ok(error instanceof ContainerFailure);
      assert.equal(error.exitCode, 3);
      assert.equal(error.container, 'p-app-web');
      assert.equal(
        error.message,
        'pod p-app container web exited with code 3; its pod was stopped\nIts last log lines:\nstarting\nDATABASE_URL is not set',
      );
      return true;
    });
    assert.equal(
      (await readFile(join(fake.dir, 'podman.stopped'), 'utf8')).trim(),
      'pod stop --time 0 p-app',
    );
  } finally {
    await fake.close();
  }
});

test('a restarted container fails with the exit code of its crash, not of the kill that stops its pod', async () => {
  // After the stop, Podman's events end with the death of the run restarted meanwhile (137).
  const fake = await fakePodmanHost(`${inspect('running', 3, 1)}
if [ "$1 $2" = "pod stop" ]; then touch "$0.stopped"; exit 0; fi
if [ "$1" = "events" ]; then
  echo '{"ContainerExitCode":3,"Status":"died"}'
  [ -e "$0.stopped" ] && echo '{"ContainerExitCode":137,"Status":"died"}'
  exit 0
fi
if [ "$1" = "logs" ]; then echo "DATABASE_URL is not set" >&2; exit 0; fi
exit 1`);
  try {
    await assert.rejects(waitForPods(request(fake.host, [])), (error: ContainerFailure) => {
      assert.equal(error.exitCode, 3);
      assert.match(
        error.message,
        /^pod p-app container web restarted 1 time \(exit code 3\); its pod was stopped\n/,
      );
      return true;
    });
  } finally {
    await fake.close();
  }
});

test('a container that never gets ready fails at the timeout, saying what it waits for', async () => {
  const fake = await fakePodmanHost(`${inspect('running')}
if [ "$1" = "exec" ]; then exit 1; fi
if [ "$1 $2" = "healthcheck run" ]; then echo unhealthy; exit 1; fi
exit 9`);
  try {
    await assert.rejects(
      waitForPods(request(fake.host, [], 100)),
      /not ready after 0 s: pod p-app container web: exec \/bin\/ready exited with 1; pod p-app container worker: health check unhealthy/,
    );
  } finally {
    await fake.close();
  }
});
