import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runGantry } from '../support/gantry-process.ts';
import { gitIn, type ScratchDir, scratchDir } from '../support/git-work-tree.ts';

let scratch: ScratchDir;
before(async () => {
  scratch = await scratchDir();
  await gitIn(scratch.path, ['init', '--quiet']);
  await mkdir(join(scratch.path, 'ci'));
  await writeFile(join(scratch.path, 'ci', 'jobs.yml'), 'test:\n  stage: test\n  script: [make test]\n');
});
after(() => scratch?.cleanup());

const lint = async (...args: string[]) => {
  const run = runGantry(['lint', ...args], {});
  return { code: await run.exited, stdout: run.stdout(), stderr: run.stderr() };
};

test('gantry lint accepts a valid file with includes relative to the repository root', async () => {
  const file = join(scratch.path, '.gantry.yml');
  await writeFile(file, 'include:\n  - local: ci/jobs.yml\nbuild:\n  stage: build\n  script: [make]\n');
  const result = await lint(file);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /is valid: 2 jobs in \d+ stages/);
});

test('gantry lint prints file:line:column errors and exits 1', async () => {
  const file = join(scratch.path, 'broken.yml');
  await writeFile(file, 'build:\n  script: [make]\n  whem: manual\n');
  const result = await lint(file);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^broken\.yml:3:3: .*whem/m);
});

test('gantry lint without a file and without .gantry.yml says so', async () => {
  const empty = await scratchDir();
  const run = runGantry(['lint', join(empty.path, 'nothing.yml')], {});
  assert.equal(await run.exited, 1);
  assert.match(run.stderr(), /no pipeline file/);
  await empty.cleanup();
});
