import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containersConf, registriesConf } from './containers-conf.ts';

test('defaults: runc, cgroupfs and explicit rlimits', () => {
  const conf = containersConf();
  assert.match(conf, /^\[containers\]\ndefault_ulimits = \["nofile=1024:1024", "nproc=4096:4096"\]$/m);
  assert.match(conf, /^\[engine\]\nruntime = "runc"\ncgroup_manager = "cgroupfs"$/m);
});

test('empty settings leave podman its own choice', () => {
  const conf = containersConf({ runtime: '', cgroupManager: '', ulimits: [] });
  assert.doesNotMatch(conf, /runtime|cgroup_manager|default_ulimits/);
});

test('values are quoted as TOML strings', () => {
  assert.match(containersConf({ runtime: 'my "runc"' }), /^runtime = "my \\"runc\\""$/m);
});

test('registries.conf marks each host insecure and searches no registry for short names', () => {
  const conf = registriesConf(['127.0.0.1:8080', 'localhost:5000']);
  assert.match(conf, /^unqualified-search-registries = \[\]$/m);
  assert.equal(conf.match(/^insecure = true$/gm)?.length, 2);
  assert.match(conf, /^location = "127.0.0.1:8080"$/m);
});
