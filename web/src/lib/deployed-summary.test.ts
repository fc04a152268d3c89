import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployedSummary, filesText, recapVerdict, shortDigest } from './deployed-summary.ts';

const recapLine = {
  host: 'web1',
  ok: 3,
  changed: 1,
  unreachable: 0,
  failed: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
};

test('an SSH deployment shows its release, hosts with the release each replaced, and files', () => {
  const summary = deployedSummary({
    kind: 'ssh',
    release: '12',
    deployTo: '/srv/app',
    files: [
      { path: 'index.html', size: 10, sha256: 'a'.repeat(64) },
      { path: 'css/site.css', size: 2038, sha256: 'b'.repeat(64) },
    ],
    hosts: [
      { host: '127.0.0.1', port: 2201, previous: '9' },
      { host: '::1', port: 22, previous: null },
    ],
    steps: {},
  });
  assert.deepEqual(summary?.facts, [
    { label: 'Release', value: '12' },
    { label: 'Directory', value: '/srv/app/releases/12', code: true },
  ]);
  assert.deepEqual(summary?.hosts, [
    { address: '127.0.0.1:2201', previous: 'was release 9' },
    { address: '[::1]:22', previous: 'first release' },
  ]);
  assert.equal(summary?.filesText, '2 files, 2 KiB');
  assert.deepEqual(summary?.files[0], { name: 'index.html', size: '10 B', detail: 'sha256 aaaaaaaaaaaa' });
});

test('an SFTP deployment says whether its release was switched atomically', () => {
  const summary = deployedSummary({ kind: 'sftp', mode: 'sync', release: null, remoteDir: 'www', files: [] });
  assert.deepEqual(
    summary?.facts.map((fact) => fact.label),
    ['Mode', 'Directory'],
  );
  assert.match(summary?.facts[0]?.value ?? '', /no atomic switch/);
  assert.equal(summary?.filesText, '0 files, 0 B');
});

test('S3 files show their content type, cache header and ETag', () => {
  const summary = deployedSummary({
    kind: 's3',
    bucket: 'site',
    prefix: 'www/',
    versioning: 'prefix',
    files: [
      {
        key: 'www/index.html',
        size: 1,
        etag: '"abc"',
        contentType: 'text/html',
        cacheControl: null,
        versionId: null,
        versionKey: 'x',
      },
    ],
  });
  assert.equal(summary?.facts[0]?.value, 's3://site/www/');
  assert.deepEqual(summary?.files, [
    { name: 'www/index.html', size: '1 B', detail: 'text/html · ETag "abc"' },
  ]);
});

test('an Ansible deployment carries its recap and says which hosts failed', () => {
  const recap = [
    recapLine,
    { ...recapLine, host: 'db', failed: 1 },
    { ...recapLine, host: 'cache', unreachable: 1 },
  ];
  const summary = deployedSummary({ kind: 'ansible', playbook: 'deploy.yml', check: true, recap });
  assert.deepEqual(summary?.recap, recap);
  assert.equal(summary?.filesText, '');
  assert.deepEqual(summary?.facts.slice(1), [
    { label: 'Mode', value: 'check mode (dry run)' },
    { label: 'Recap', value: 'failed on db; cache unreachable' },
  ]);
  assert.equal(recapVerdict([recapLine]), 'every host ok, 1 change');
  assert.equal(recapVerdict([{ ...recapLine, changed: 0 }]), 'every host ok, 0 changes');
});

test('a Maven deployment shows its coordinates and the files uploaded', () => {
  const summary = deployedSummary({
    kind: 'maven',
    repositoryUrl: 'https://repo.example.com/releases/',
    groupId: 'com.example',
    artifactId: 'app',
    version: '1.0.0',
    uploaded: [{ path: 'com/example/app/1.0.0/app-1.0.0.jar', size: 3 * 1024 * 1024, sha1: 'f'.repeat(40) }],
  });
  assert.deepEqual(
    summary?.facts.map((fact) => fact.value),
    ['com.example:app:1.0.0', 'https://repo.example.com/releases/'],
  );
  assert.equal(summary?.filesText, '1 file, 3 MiB');
  assert.equal(summary?.files[0]?.detail, 'sha1 ffffffffffff');
});

test('snapshots of other kinds have no summary here', () => {
  assert.equal(deployedSummary({ kind: 'kubernetes', images: [] }), undefined);
  assert.equal(deployedSummary(null), undefined);
  assert.equal(filesText([]), '0 files, 0 B');
  assert.equal(shortDigest('abc'), 'abc');
});
