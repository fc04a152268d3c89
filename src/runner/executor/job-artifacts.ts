import { constants } from 'node:fs';
import { open, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobArtifactsSpec } from '../job-spec.ts';
import { createArtifactsArchive } from './artifacts-archive.ts';
import { isWithin, normalizeRelativePath, resolvePhysically } from './contained-path.ts';
import { DOTENV_LIMITS, parseDotenv } from './dotenv-report.ts';
import { errorLine, plainLine, progressLine, warningLine } from './job-log-format.ts';

/** How the artifacts phase went; problems are reported here and logged, never thrown. */
export interface ArtifactsPhaseResult {
  /** Variables of the dotenv report, when there was a valid one. */
  dotenv: Record<string, string> | null;
  /** Set when the job must fail: the upload failed (system) or the dotenv report is invalid (script). */
  failure: { reason: 'runner_system_failure' | 'script_failure'; message: string } | null;
}

/** Whether `artifacts:when` asks for artifacts after a job that ended this way. */
export function artifactsWanted(when: JobArtifactsSpec['when'], succeeded: boolean): boolean {
  return when === 'always' || (when === 'on_success') === succeeded;
}

/** What the artifacts phase needs from the job. */
export interface ArtifactsPhaseOptions {
  artifacts: JobArtifactsSpec;
  /** The checkout, where `paths` and the dotenv file are looked up. */
  workspace: string;
  /** Where the archive is written before upload (outside the workspace). */
  archivePath: string;
  upload(archive: string): Promise<void>;
  log(text: string): void;
}

/**
 * Collects `artifacts:paths` into an archive and uploads it, then reads the dotenv report. Paths
 * that match nothing or are refused are warnings (as in GitLab). A failed upload or an invalid
 * dotenv report is a failure for the caller to apply.
 */
export async function runArtifactsPhase(options: ArtifactsPhaseOptions): Promise<ArtifactsPhaseResult> {
  const { artifacts, log } = options;
  let failure: ArtifactsPhaseResult['failure'] = null;
  if (artifacts.paths.length > 0) {
    log(progressLine('Uploading artifacts...'));
    try {
      const archive = await createArtifactsArchive(options.workspace, artifacts.paths, options.archivePath);
      for (const warning of archive.warnings) log(warningLine(warning));
      if (!archive.written) {
        log(warningLine('No files to upload'));
      } else {
        log(plainLine(`${archive.entries} entries archived (files, directories and links)`));
        await options.upload(options.archivePath);
        log(plainLine('Uploading artifacts to coordinator... ok'));
      }
    } catch (error) {
      const message = `uploading artifacts failed: ${(error as Error).message}`;
      log(errorLine(message));
      failure = { reason: 'runner_system_failure', message };
    } finally {
      await rm(options.archivePath, { force: true });
    }
  }
  let dotenv: Record<string, string> | null = null;
  if (artifacts.dotenv !== null) {
    const read = await readDotenvFile(options.workspace, artifacts.dotenv);
    if (read.kind === 'warning') {
      log(warningLine(read.message));
    } else {
      try {
        dotenv = parseDotenv(read.text);
        log(plainLine(`dotenv report ${artifacts.dotenv}: ${Object.keys(dotenv).length} variables`));
      } catch (error) {
        const message = `dotenv report ${artifacts.dotenv} is invalid: ${(error as Error).message}`;
        log(errorLine(message));
        failure ??= { reason: 'script_failure', message };
      }
    }
  }
  return { dotenv, failure };
}

type DotenvRead = { kind: 'text'; text: string } | { kind: 'warning'; message: string };

/** Reads the dotenv file from inside the workspace (never through a link out of it), at most just past the size limit. */
async function readDotenvFile(workspace: string, path: string): Promise<DotenvRead> {
  const relative = normalizeRelativePath(path.trim());
  if (relative === null)
    return {
      kind: 'warning',
      message: `${path}: refused, the dotenv report must be inside the project directory`,
    };
  const root = await realpath(workspace);
  const target = join(root, relative);
  const leadsTo = await resolvePhysically(target).catch(() => null);
  if (leadsTo === null || !isWithin(root, leadsTo)) {
    return { kind: 'warning', message: `${path}: refused, it leads out of the project directory` };
  }
  const handle = await open(leadsTo, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (handle === null) return { kind: 'warning', message: `${path}: no matching files (dotenv report)` };
  try {
    if (!(await handle.stat()).isFile())
      return { kind: 'warning', message: `${path}: not a file (dotenv report)` };
    const buffer = Buffer.alloc(DOTENV_LIMITS.maxFileBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { kind: 'text', text: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}
