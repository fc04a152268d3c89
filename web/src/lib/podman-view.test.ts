import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerBadge, podRunning, podStatus, portText } from './podman-view.ts';

const running = { state: 'running', health: null, exit_code: null };

test('a running container is shown by its health check, when it has one', () => {
  assert.deepEqual(containerBadge(running), { status: 'running', label: 'running' });
  assert.deepEqual(containerBadge({ ...running, health: 'healthy' }), {
    status: 'healthy',
    label: 'healthy',
  });
  assert.deepEqual(containerBadge({ ...running, health: 'unhealthy' }), {
    status: 'degraded',
    label: 'unhealthy',
  });
  assert.deepEqual(containerBadge({ ...running, health: 'starting' }), {
    status: 'progressing',
    label: 'starting',
  });
});

test('an exited container is a failure only with a non-zero exit code', () => {
  assert.deepEqual(containerBadge({ state: 'exited', health: null, exit_code: 3 }), {
    status: 'failed',
    label: 'exited (3)',
  });
  assert.deepEqual(containerBadge({ state: 'Exited', health: 'unhealthy', exit_code: 0 }), {
    status: 'stopped',
    label: 'exited (0)',
  });
  assert.deepEqual(containerBadge({ state: 'stopped', health: null, exit_code: null }), {
    status: 'stopped',
    label: 'stopped',
  });
});

test('other states are shown as Podman names them', () => {
  assert.deepEqual(containerBadge({ state: 'created', health: null, exit_code: null }), {
    status: 'created',
    label: 'created',
  });
});

test('a pod counts its running containers and lowers its status', () => {
  const pod = {
    status: 'Degraded',
    containers: [{ state: 'running' }, { state: 'exited' }, { state: 'Running' }],
  };
  assert.equal(podRunning(pod), '2/3');
  assert.equal(podRunning({ containers: [] }), '0/0');
  assert.equal(podStatus(pod), 'degraded');
});

test('a port is written as podman ps writes it', () => {
  assert.equal(portText({ host_ip: '127.0.0.1', host_port: 8080, container_port: 80 }), '127.0.0.1:8080→80');
  assert.equal(portText({ host_ip: '', host_port: 8080, container_port: 8080 }), '8080→8080');
  assert.equal(portText({ host_ip: '0.0.0.0', host_port: 1, container_port: 2 }), '1→2');
  assert.equal(portText({ host_ip: '::1', host_port: 9000, container_port: 90 }), '[::1]:9000→90');
});
