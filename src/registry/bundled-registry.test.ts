import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { realDependency } from '../../test/runner/real-dependency.ts';
import { DEFAULT_REGISTRY_BINARY } from '../config/server-config.ts';
import {
  BundledRegistry,
  bundledRegistryConfig,
  bundledRegistryPaths,
  signalIfRunning,
} from './bundled-registry.ts';

// Skips outside CI when docker-registry is missing; in CI it runs and fails.
const realRegistry = realDependency(existsSync(DEFAULT_REGISTRY_BINARY), 'docker-registry');

test('the config listens on a unix socket with relative URLs, deletes enabled and a fixed secret', () => {
  const paths = bundledRegistryPaths('/srv/gantry');
  const config = YAML.parse(bundledRegistryConfig(paths, 'secret-1')) as Record<
    string,
    Record<string, unknown>
  >;
  assert.deepEqual(config.http, {
    net: 'unix',
    addr: '/srv/gantry/registry-run/registry.sock',
    relativeurls: true,
    secret: 'secret-1',
  });
  assert.deepEqual(config.storage?.filesystem, { rootdirectory: '/srv/gantry/registry' });
  assert.deepEqual(config.storage?.delete, { enabled: true });
});

test('a data directory too deep for a unix socket is refused with the reason', () => {
  assert.throws(
    () =>
      new BundledRegistry({ binary: 'x', dataDir: `/${'d'.repeat(120)}`, httpSecret: 's', log: () => {} }),
    /longer than 107 bytes/,
  );
});

test('signalling a process that has exited already is no error', async () => {
  const child = spawn('/bin/true');
  await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(signalIfRunning(child.pid!, 0), false);
  assert.equal(signalIfRunning(process.pid, 0), true);
});

/** `GET /v2/` on the socket: the status, or 0 when nothing answers. */
function ping(socketPath: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/v2/' }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', () => resolve(0));
  });
}

describe('the bundled docker-registry process', realRegistry.options, () => {
  before(() => realRegistry.assertPresent());
  const start = async (t: { after(fn: () => Promise<void>): void }) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gantry-bundled-'));
    const notes: string[] = [];
    const registry = new BundledRegistry({
      binary: DEFAULT_REGISTRY_BINARY,
      dataDir,
      httpSecret: 'test-secret',
      log: (line) => notes.push(line),
      output: () => {},
      restartDelayMs: 50,
    });
    t.after(async () => {
      await registry.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    await registry.start();
    return { registry, dataDir, notes };
  };

  test('starts on a socket in a private directory and stops with it', async (t) => {
    const { registry } = await start(t);
    assert.equal(await ping(registry.paths.socketPath), 200);
    assert.equal((await stat(registry.paths.runDir)).mode & 0o777, 0o700);
    assert.equal((await stat(registry.paths.configFile)).mode & 0o777, 0o600);
    await registry.stop();
    assert.equal(existsSync(registry.paths.socketPath), false);
  });

  test('a start that stop() overtakes starts nothing', async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gantry-bundled-'));
    const registry = new BundledRegistry({
      binary: DEFAULT_REGISTRY_BINARY,
      dataDir,
      httpSecret: 's',
      log: () => {},
      output: () => {},
    });
    t.after(async () => {
      await registry.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    const starting = registry.start();
    await registry.stop();
    await starting;
    // A registry started anyway reports its pid within milliseconds and answers soon after; give it
    // a second to show up.
    for (let i = 0; i < 50 && registry.pid === undefined; i++) await sleep(20);
    assert.equal(registry.pid, undefined);
    assert.equal(await ping(registry.paths.socketPath), 0);
  });

  test('is started again when it dies', async (t) => {
    const { registry, notes } = await start(t);
    const first = registry.pid!;
    process.kill(first, 'SIGKILL');
    for (
      let i = 0;
      i < 500 && (registry.pid === first || (await ping(registry.paths.socketPath)) !== 200);
      i++
    ) {
      await sleep(20);
    }
    assert.notEqual(registry.pid, first);
    assert.equal(await ping(registry.paths.socketPath), 200);
    assert.match(notes.join('\n'), /the bundled registry exited \(code 137\); restarting it/);
  });

  test('stops when the Gantry that started it is killed with SIGKILL', async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gantry-bundled-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const module = new URL('./bundled-registry.ts', import.meta.url).href;
    const script = `import { BundledRegistry } from ${JSON.stringify(module)};
      const registry = new BundledRegistry({ binary: ${JSON.stringify(DEFAULT_REGISTRY_BINARY)}, dataDir: ${JSON.stringify(dataDir)}, httpSecret: 's', log: () => {} });
      await registry.start();
      console.log(registry.pid);
      setInterval(() => {}, 1000);`;
    const gantry = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = Number(
      await new Promise<string>((resolve) =>
        gantry.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())),
      ),
    );
    assert.ok(pid > 0);
    assert.equal(await ping(bundledRegistryPaths(dataDir).socketPath), 200);
    gantry.kill('SIGKILL');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 500 && alive(); i++) await sleep(20);
    assert.equal(alive(), false, `the registry (pid ${pid}) outlived its Gantry`);
  });
});
