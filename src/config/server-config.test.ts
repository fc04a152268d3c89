import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveServerConfig } from './server-config.ts';

test('defaults: loopback, port 8080, SQLite in ./data', () => {
  const config = resolveServerConfig({}, {}, '/srv');
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 8080);
  assert.equal(config.dataDir, '/srv/data');
  assert.equal(config.databaseUrl, 'sqlite:/srv/data/gantry.db');
  assert.equal(config.externalUrl, 'http://127.0.0.1:8080');
  assert.equal(config.secretKeyFile, '/srv/data/secret.key');
  assert.equal(config.demo, false);
});

test('flags win over environment variables', () => {
  const config = resolveServerConfig(
    { port: '9000', 'data-dir': '/var/gantry' },
    { GANTRY_PORT: '7000', GANTRY_DATA_DIR: '/tmp/x', GANTRY_EXTERNAL_URL: 'https://ci.example.com/' },
    '/srv',
  );
  assert.equal(config.port, 9000);
  assert.equal(config.dataDir, '/var/gantry');
  assert.equal(config.externalUrl, 'https://ci.example.com');
});

test('the web UI is web/dist of this checkout unless GANTRY_WEB_DIR or --web-dir names another', () => {
  assert.equal(
    resolveServerConfig({}, {}, '/srv').webDir,
    fileURLToPath(new URL('../../web/dist', import.meta.url)),
  );
  assert.equal(resolveServerConfig({}, { GANTRY_WEB_DIR: 'ui' }, '/srv').webDir, '/srv/ui');
  assert.equal(
    resolveServerConfig({ 'web-dir': '/opt/ui' }, { GANTRY_WEB_DIR: 'ui' }, '/srv').webDir,
    '/opt/ui',
  );
});

test('PostgreSQL URLs pass through', () => {
  const url = 'postgres://gantry:pw@127.0.0.1:5432/gantry';
  assert.equal(resolveServerConfig({}, { GANTRY_DATABASE_URL: url }, '/').databaseUrl, url);
});

const bad: Array<[Record<string, string>, RegExp]> = [
  [{ GANTRY_PORT: 'eighty' }, /--port \/ GANTRY_PORT must be a whole number/],
  [{ GANTRY_PORT: '70000' }, /from 0 to 65535/],
  [{ GANTRY_DATABASE_URL: 'mysql://x' }, /must start with postgres:\/\/, sqlite: or file:/],
  [{ GANTRY_EXTERNAL_URL: 'ftp://x' }, /must be an http:\/\/ or https:\/\/ URL/],
  [{ GANTRY_LOG_LEVEL: 'loud' }, /must be one of/],
  [{ GANTRY_INITIAL_ADMIN_TOKEN: 'short' }, /at least 20 characters/],
];
for (const [env, message] of bad) {
  test(`rejects ${JSON.stringify(env)}`, () =>
    assert.throws(() => resolveServerConfig({}, env, '/'), message));
}

test('the registry is the bundled docker-registry unless GANTRY_REGISTRY says off or names a URL', () => {
  assert.deepEqual(resolveServerConfig({}, {}, '/').registry, {
    kind: 'bundled',
    binary: '/usr/bin/docker-registry',
  });
  assert.deepEqual(resolveServerConfig({}, { GANTRY_REGISTRY_BINARY: '/opt/registry' }, '/').registry, {
    kind: 'bundled',
    binary: '/opt/registry',
  });
  assert.deepEqual(resolveServerConfig({ registry: 'off' }, {}, '/').registry, { kind: 'off' });
  assert.deepEqual(
    resolveServerConfig(
      {},
      {
        GANTRY_REGISTRY: 'https://registry.example.com/',
        GANTRY_REGISTRY_USERNAME: 'gantry',
        GANTRY_REGISTRY_PASSWORD: 'pw',
      },
      '/',
    ).registry,
    { kind: 'external', url: 'https://registry.example.com', username: 'gantry', password: 'pw' },
  );
  assert.throws(
    () => resolveServerConfig({}, { GANTRY_REGISTRY: 'https://u:p@registry.example.com' }, '/'),
    /without credentials/,
  );
  assert.throws(() => resolveServerConfig({}, { GANTRY_REGISTRY: 'maybe' }, '/'), /bundled, off, or an http/);
});

test('Podman host settings: runtime, cgroup manager and comma-separated ulimits', () => {
  assert.deepEqual(resolveServerConfig({}, {}, '/').podman, {});
  assert.deepEqual(
    resolveServerConfig(
      {},
      {
        GANTRY_PODMAN_RUNTIME: 'crun',
        GANTRY_PODMAN_CGROUP_MANAGER: 'systemd',
        GANTRY_PODMAN_ULIMITS: 'nofile=2048:4096, nproc=100',
      },
      '/',
    ).podman,
    { runtime: 'crun', cgroupManager: 'systemd', ulimits: ['nofile=2048:4096', 'nproc=100'] },
  );
  assert.throws(
    () => resolveServerConfig({}, { GANTRY_PODMAN_CGROUP_MANAGER: 'cgroupv3' }, '/'),
    /cgroupfs or systemd/,
  );
  assert.throws(() => resolveServerConfig({}, { GANTRY_PODMAN_ULIMITS: 'nofile' }, '/'), /name=soft:hard/);
});

test('performance metrics: sampled every 10 s (0 = never), 5-minute series kept 30 days', () => {
  const defaults = resolveServerConfig({}, {}, '/');
  assert.equal(defaults.metricsIntervalSeconds, 10);
  assert.equal(defaults.metricsRetentionDays, 30);
  const set = resolveServerConfig(
    {},
    { GANTRY_METRICS_INTERVAL_SECONDS: '0', GANTRY_METRICS_RETENTION_DAYS: '90' },
    '/',
  );
  assert.equal(set.metricsIntervalSeconds, 0);
  assert.equal(set.metricsRetentionDays, 90);
  assert.throws(
    () => resolveServerConfig({}, { GANTRY_METRICS_INTERVAL_SECONDS: '2.5' }, '/'),
    /--metrics-interval \/ GANTRY_METRICS_INTERVAL_SECONDS must be a whole number from 0 to 3600/,
  );
});

test('metrics scrape deny list: comma-separated CIDRs, empty by default', () => {
  assert.deepEqual(resolveServerConfig({}, {}, '/').metricsScrapeDeny, []);
  assert.deepEqual(
    resolveServerConfig({}, { GANTRY_METRICS_SCRAPE_DENY: ' 10.0.0.0/8, fd00::/8,192.0.2.1/32,' }, '/')
      .metricsScrapeDeny,
    ['10.0.0.0/8', 'fd00::/8', '192.0.2.1/32'],
  );
  assert.deepEqual(resolveServerConfig({ 'metrics-scrape-deny': '::/0' }, {}, '/').metricsScrapeDeny, [
    '::/0',
  ]);
  for (const bad of [
    '10.0.0.0',
    '10.0.0.0/33',
    'fd00::/129',
    'app.example/8',
    '10.0.0.0/8/9',
    '10.0.0.0/x',
  ]) {
    assert.throws(
      () => resolveServerConfig({}, { GANTRY_METRICS_SCRAPE_DENY: `127.0.0.0/8,${bad}` }, '/'),
      new RegExp(
        `GANTRY_METRICS_SCRAPE_DENY must be comma-separated CIDRs such as 10.0.0.0/8 or fd00::/8, got "${bad}"`,
      ),
      bad,
    );
  }
});
