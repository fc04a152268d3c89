import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { JobRow } from '../store/repositories/job-repository.ts';
import { gatherJobFiles } from './job-files.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-job-files-'));
after(() => rmSync(work, { recursive: true, force: true }));
const job = { id: 9 } as JobRow;

/** A gzip tar archive of `files` (path → content), as a runner uploads artifacts. */
function archive(name: string, files: Record<string, string>): string {
  const dir = join(work, `${name}-tree`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const file = join(work, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', dir, ...Object.keys(files)]);
  return file;
}

const sources = (archives: Record<number, string | null>) => ({
  dependencies: async () => Object.keys(archives).map((id) => ({ jobId: Number(id), name: `job-${id}` })),
  archiveOf: async (jobId: number) => archives[jobId] ?? null,
});

test('the artifacts of the jobs depended on are merged, later over earlier, and the named path found', async () => {
  const build = archive('build', { 'public/index.html': 'one', 'public/app.css': 'css' });
  const docs = archive('docs', { 'public/index.html': 'two', 'public/docs/a.html': 'a' });
  const files = await gatherJobFiles(sources({ 1: build, 2: null, 3: docs }), job, 'public', work);
  try {
    assert.equal(files.directory, true);
    assert.equal(readFileSync(join(files.path, 'index.html'), 'utf8'), 'two');
    assert.equal(readFileSync(join(files.path, 'app.css'), 'utf8'), 'css');
    assert.equal(readFileSync(join(files.path, 'docs/a.html'), 'utf8'), 'a');
  } finally {
    await files.dispose();
  }
  assert.equal(existsSync(files.path), false, 'dispose removes the workspace');
});

test('a path that is not there, or leads out, is refused saying where the files come from', async () => {
  const build = archive('only', { 'dist/app.js': 'js' });
  await assert.rejects(gatherJobFiles(sources({ 1: build }), job, 'public', work), {
    code: 'validation_failed',
    message: /deploy:files names public, which is not in the job's files \(artifacts of job-1\)/,
  });
  await assert.rejects(gatherJobFiles(sources({}), job, 'public', work), {
    message: /no job it depends on has artifacts/,
  });
  await assert.rejects(gatherJobFiles(sources({ 1: build }), job, '../..', work), {
    message: /leads out of the job's files/,
  });
});
