import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractArtifacts } from '../../src/runner/executor/extract-artifacts.ts';
import type { JobIo } from '../../src/runner/executor/job-executor.ts';
import type { JobDependency } from '../../src/runner/job-spec.ts';

/** A {@link JobIo} that records everything, for tests (test support only). */
export interface FakeJobIo extends JobIo {
  /** Every log chunk so far, decoded. */
  text(): string;
  /** The log without ANSI escapes and GitLab section markers. */
  plain(): string;
  /** Copies of the archives passed to `uploadArtifacts`. */
  uploads: string[];
  /** Dependencies asked for, in order. */
  downloads: JobDependency[];
}

/**
 * Creates a fake agent side: logs are collected; `downloadArtifacts` extracts the local tar.gz
 * registered in `archives` under the dependency's job id; uploads are copied aside, because the
 * executor deletes its archive once the upload resolves (test support only).
 */
export async function fakeJobIo(archives: ReadonlyMap<number, string> = new Map()): Promise<FakeJobIo> {
  const chunks: Buffer[] = [];
  const uploadDir = await mkdtemp(join(tmpdir(), 'gantry-uploads-'));
  const io: FakeJobIo = {
    uploads: [],
    downloads: [],
    log: (chunk) => chunks.push(Buffer.from(chunk)),
    async downloadArtifacts(dependency, into) {
      io.downloads.push(dependency);
      const archive = archives.get(dependency.jobId);
      if (archive === undefined) throw new Error(`no artifacts for job ${dependency.jobId}`);
      await extractArtifacts(archive, into);
    },
    async uploadArtifacts(archive) {
      const copy = join(uploadDir, `upload-${io.uploads.length}.tar.gz`);
      await copyFile(archive, copy);
      io.uploads.push(copy);
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    plain: () => stripAnsi(io.text()),
  };
  return io;
}

const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/** Removes ANSI colour codes and GitLab section markers (test support only). */
export function stripAnsi(text: string): string {
  return text.replace(/section_(?:start|end):\d+:[a-z_]+\r/g, '').replace(ANSI_ESCAPE, '');
}
