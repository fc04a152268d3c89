import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { artifactsWanted, runArtifactsPhase } from './job-artifacts.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-job-artifacts-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('artifacts:when against the outcome', () => {
  assert.equal(artifactsWanted('on_success', true), true);
  assert.equal(artifactsWanted('on_success', false), false);
  assert.equal(artifactsWanted('on_failure', true), false);
  assert.equal(artifactsWanted('on_failure', false), true);
  assert.equal(artifactsWanted('always', true), true);
  assert.equal(artifactsWanted('always', false), true);
});

const phase = async (files: Record<string, string>, dotenv: string, links: Record<string, string> = {}) => {
  const ws = mkdtempSync(join(scratch, 'ws-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(ws, name), content);
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(ws, name));
  const lines: string[] = [];
  const uploads: string[] = [];
  const result = await runArtifactsPhase({
    artifacts: { paths: [], dotenv, when: 'on_success' },
    workspace: ws,
    archivePath: join(scratch, 'unused.tar.gz'),
    upload: async (archive) => {
      uploads.push(archive);
    },
    log: (text) => lines.push(text),
  });
  return { result, log: lines.join(''), uploads };
};

test('a valid dotenv report becomes the result; values are not logged', async () => {
  const { result, log } = await phase({ 'build.env': 'URL=https://x.example\nTAG="v1"\n' }, 'build.env');
  assert.deepEqual(result, { dotenv: { URL: 'https://x.example', TAG: 'v1' }, failure: null });
  assert.match(log, /dotenv report build.env: 2 variables/);
  assert.doesNotMatch(log, /x\.example/);
});

test('a missing dotenv report is a warning', async () => {
  const { result, log } = await phase({}, 'build.env');
  assert.deepEqual(result, { dotenv: null, failure: null });
  assert.match(log, /WARNING: build.env: no matching files/);
});

test('an invalid dotenv report fails the job as a script failure', async () => {
  const { result, log } = await phase({ 'build.env': 'export A=1\n' }, 'build.env');
  assert.equal(result.dotenv, null);
  assert.equal(result.failure?.reason, 'script_failure');
  assert.match(log, /ERROR: dotenv report build.env is invalid: line 1/);
});

test('a dotenv report outside the workspace is refused', async () => {
  writeFileSync(join(scratch, 'outside.env'), 'SECRET=1\n');
  const viaLink = await phase({}, 'link.env', { 'link.env': join(scratch, 'outside.env') });
  assert.equal(viaLink.result.dotenv, null);
  assert.match(viaLink.log, /refused/);
  const viaDots = await phase({}, '../outside.env');
  assert.equal(viaDots.result.dotenv, null);
  assert.match(viaDots.log, /refused/);
});

test('paths matching nothing: warning, no upload, no failure', async () => {
  const ws = mkdtempSync(join(scratch, 'ws-'));
  mkdirSync(join(ws, 'dist'));
  const lines: string[] = [];
  let uploaded = 0;
  const result = await runArtifactsPhase({
    artifacts: { paths: ['missing/'], dotenv: null, when: 'on_success' },
    workspace: ws,
    archivePath: join(scratch, 'a.tar.gz'),
    upload: async () => {
      uploaded += 1;
    },
    log: (text) => lines.push(text),
  });
  assert.deepEqual(result, { dotenv: null, failure: null });
  assert.equal(uploaded, 0);
  assert.match(lines.join(''), /missing\/: no matching files/);
  assert.match(lines.join(''), /No files to upload/);
});

test('a failing upload is a runner system failure', async () => {
  const ws = mkdtempSync(join(scratch, 'ws-'));
  writeFileSync(join(ws, 'out.txt'), 'x');
  const lines: string[] = [];
  const result = await runArtifactsPhase({
    artifacts: { paths: ['out.txt'], dotenv: null, when: 'on_success' },
    workspace: ws,
    archivePath: join(scratch, 'b.tar.gz'),
    upload: () => Promise.reject(new Error('server said 500')),
    log: (text) => lines.push(text),
  });
  assert.equal(result.failure?.reason, 'runner_system_failure');
  assert.match(lines.join(''), /uploading artifacts failed: server said 500/);
});
