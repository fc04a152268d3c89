import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerState, containerVerdict, type PodmanContainerInspect } from './container-state.ts';

const running: PodmanContainerInspect = {
  Name: 'p-web-pod-0-web',
  ImageName: 'localhost/web:v1',
  ImageDigest: 'sha256:abc',
  RestartCount: 0,
  State: {
    Status: 'running',
    ExitCode: 0,
    StartedAt: '2026-01-02T03:04:05Z',
    Health: { Status: 'starting' },
  },
  Config: { Healthcheck: null },
  NetworkSettings: { Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '25000' }], '53/udp': null } },
};

test('inspect output becomes the state the API shows', () => {
  assert.deepEqual(containerState(running), {
    name: 'p-web-pod-0-web',
    image: 'localhost/web:v1',
    digest: 'sha256:abc',
    state: 'running',
    health: null,
    restarts: 0,
    exitCode: null,
    error: null,
    startedAt: '2026-01-02T03:04:05Z',
    ports: [{ host_ip: '127.0.0.1', host_port: 25000, container_port: 8080 }],
  });
  const exited = containerState({
    ...running,
    ImageDigest: '',
    State: {
      Status: 'exited',
      ExitCode: 3,
      StartedAt: '0001-01-01T00:00:00Z',
      Health: { Status: 'unhealthy' },
    },
    Config: { Healthcheck: { Test: ['CMD-SHELL', 'true'] } },
  });
  assert.equal(exited.exitCode, 3);
  assert.equal(exited.digest, null);
  assert.equal(exited.startedAt, null);
  assert.equal(exited.health, 'unhealthy');
});

test('verdicts: exits and restarts fail; init containers and run-to-completion pods may end with 0', () => {
  const state = containerState(running);
  const always = { init: false, restartPolicy: 'Always' };
  assert.deepEqual(containerVerdict(state, always), { kind: 'running' });
  assert.deepEqual(containerVerdict({ ...state, state: 'created' }, always), { kind: 'waiting' });
  assert.deepEqual(containerVerdict({ ...state, restarts: 2 }, always), {
    kind: 'failed',
    problem: 'restarted 2 times',
  });
  const ended = { ...state, state: 'exited', exitCode: 0 };
  assert.deepEqual(containerVerdict(ended, always), { kind: 'failed', problem: 'exited with code 0' });
  assert.deepEqual(containerVerdict(ended, { init: true, restartPolicy: 'Always' }), { kind: 'done' });
  assert.deepEqual(containerVerdict(ended, { init: false, restartPolicy: 'Never' }), { kind: 'done' });
  assert.deepEqual(containerVerdict({ ...ended, exitCode: 3 }, { init: true, restartPolicy: 'Always' }), {
    kind: 'failed',
    problem: 'exited with code 3',
  });
  assert.deepEqual(
    containerVerdict({ ...state, state: 'created', error: 'executable file not found' }, always),
    {
      kind: 'failed',
      problem: 'could not start: executable file not found',
    },
  );
});
