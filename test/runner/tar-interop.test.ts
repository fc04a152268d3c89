import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createArtifactsArchive } from '../../src/runner/executor/artifacts-archive.ts';
import { extractArtifacts, UnsafeArchiveError } from '../../src/runner/executor/extract-artifacts.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { commandWorks, realDependency } from './real-dependency.ts';

const tar = realDependency(commandWorks('tar', ['--version']), 'GNU tar (archives are checked against it)');

describe('artifact archives and GNU tar', tar.options, () => {
  let scratch: ScratchDir;
  let dirs = 0;
  const fresh = (name: string): string => {
    const dir = join(scratch.path, `${name}-${dirs++}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  before(async () => {
    tar.assertPresent();
    scratch = await scratchDir('gantry-tar-interop-');
  });
  after(() => scratch?.cleanup());

  test('GNU tar extracts what createArtifactsArchive writes, long names and links included', async () => {
    const ws = fresh('ws');
    const longDir = `dist/${'nested-directory/'.repeat(8)}`;
    mkdirSync(join(ws, longDir), { recursive: true });
    writeFileSync(join(ws, longDir, `${'f'.repeat(120)}.txt`), 'long');
    writeFileSync(join(ws, 'dist/ünï.txt'), 'utf8 name');
    symlinkSync('ünï.txt', join(ws, 'dist/link'));
    const archive = join(scratch.path, 'ours.tar.gz');
    await createArtifactsArchive(ws, ['dist/'], archive);
    const into = fresh('gnu');
    execFileSync('tar', ['-xzf', archive, '-C', into]);
    assert.equal(readFileSync(join(into, longDir, `${'f'.repeat(120)}.txt`), 'utf8'), 'long');
    assert.equal(readFileSync(join(into, 'dist/ünï.txt'), 'utf8'), 'utf8 name');
    assert.equal(readlinkSync(join(into, 'dist/link')), 'ünï.txt');
  });

  test('extractArtifacts reads what GNU tar writes (gnu and posix formats)', async () => {
    const source = fresh('source');
    const longName = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}.txt`;
    mkdirSync(join(source, 'tree', longName, '..'), { recursive: true });
    writeFileSync(join(source, 'tree', longName), 'deep');
    symlinkSync(longName, join(source, 'tree/long-link'));
    // (ustar cannot hold a 180-character path at all.)
    for (const format of ['gnu', 'posix']) {
      const archive = join(scratch.path, `gnu-${format}.tar.gz`);
      execFileSync('tar', [`--format=${format}`, '-czf', archive, '-C', source, 'tree']);
      const into = fresh(`ours-${format}`);
      await extractArtifacts(archive, into);
      assert.equal(readFileSync(join(into, 'tree', longName), 'utf8'), 'deep', format);
      assert.equal(readlinkSync(join(into, 'tree/long-link')), longName, format);
    }
  });

  test('hostile archives made by GNU tar are refused and write nothing', async () => {
    const parent = fresh('hostile');
    const work = join(parent, 'work');
    mkdirSync(join(work, 'a'), { recursive: true });
    writeFileSync(join(parent, 'outside.txt'), 'outside');
    writeFileSync(join(work, 'a/ok.txt'), 'ok');
    symlinkSync('/etc/passwd', join(work, 'passwd-link'));
    symlinkSync('../../outside.txt', join(work, 'a/up-link'));
    const cases: Array<[string, string[], RegExp]> = [
      ['dot-dot', ['-P', '-C', work, 'a/ok.txt', '../outside.txt'], /path leaves the directory/],
      ['absolute', ['-P', '-C', work, 'a/ok.txt', join(parent, 'outside.txt')], /absolute path/],
      ['absolute link', ['-C', work, 'passwd-link'], /points outside/],
      ['climbing link', ['-C', work, 'a/up-link'], /points outside/],
    ];
    for (const [name, args, message] of cases) {
      const archive = join(parent, `${name}.tar.gz`);
      execFileSync('tar', ['-czf', archive, ...args]);
      const into = join(parent, `into-${name.replaceAll(' ', '-')}`);
      await assert.rejects(extractArtifacts(archive, into), (error: unknown) => {
        assert.ok(error instanceof UnsafeArchiveError, `${name}: ${String(error)}`);
        assert.match(error.message, message, name);
        return true;
      });
      assert.deepEqual(existsSync(into) ? readdirSync(into) : [], [], `${name}: nothing extracted`);
    }
    // A real hard link made by GNU tar: two names for one file.
    execFileSync('ln', [join(work, 'a/ok.txt'), join(work, 'a/hard.txt')]);
    const archive = join(parent, 'hard.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', work, 'a/ok.txt', 'a/hard.txt']);
    await assert.rejects(
      extractArtifacts(archive, join(parent, 'into-hard')),
      /hard links are not extracted/,
    );
    assert.equal(readFileSync(join(parent, 'outside.txt'), 'utf8'), 'outside');
  });
});
