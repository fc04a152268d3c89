/**
 * Shared by the corpus and fuzz tests: reading a corpus case directory as a repository, and reducing
 * a plan to what the expected files record.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { PipelinePlan, PlanContext, PlannedJob, SourceReader } from '../../src/pipeline/index.ts';

export const corpusRoot = join(import.meta.dirname, 'corpus');

/** The case directories of `valid` or `invalid`, sorted. */
export function caseDirectories(kind: 'valid' | 'invalid'): string[] {
  const root = join(corpusRoot, kind);
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .sort()
    .map((name) => join(root, name));
}

/** `.gantry.yml` when the case has one, else `.gitlab-ci.yml` (as the server chooses). */
export function mainFileOf(directory: string): string {
  return existsSync(join(directory, '.gantry.yml')) ? '.gantry.yml' : '.gitlab-ci.yml';
}

/** Every file of the case except the test's own JSON files, as repository-relative paths. */
export function repositoryFiles(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const relativePath = relative(directory, path).split(sep).join('/');
        if (relativePath !== 'context.json' && relativePath !== 'expected.json')
          files[relativePath] = readFileSync(path, 'utf8');
      }
    }
  };
  walk(directory);
  return files;
}

/** A reader over an in-memory repository. */
export function readerOf(files: Readonly<Record<string, string>>): SourceReader {
  return async (path) => (Object.hasOwn(files, path) ? files[path] : undefined);
}

/** The contexts of a valid case (`context.json` holds one context or a list). */
export function contextsOf(directory: string): PlanContext[] {
  const parsed = JSON.parse(readFileSync(join(directory, 'context.json'), 'utf8')) as
    | PlanContext
    | PlanContext[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

export type ReducedNeed = string | { job: string; artifacts: boolean; optional: boolean };

export interface ReducedJob {
  name: string;
  stage: string;
  when: PlannedJob['when'];
  needs: ReducedNeed[] | null;
  allowFailure: boolean;
  startInSeconds?: number;
  dependencies?: string[];
}

export interface ExpectedPlan {
  created: boolean;
  reason?: string;
  name?: string;
  stages: string[];
  jobs: ReducedJob[];
  planErrors?: string[];
  /** Checked only when present. */
  variables?: Record<string, string>;
  /** Checked only when present: selected fields of selected jobs. */
  details?: Record<string, Partial<Record<keyof PlannedJob, unknown>>>;
}

/** A need as the expected files write it: just the name unless artifacts or optional differ from the defaults. */
function reduceNeed(need: { job: string; artifacts: boolean; optional: boolean }): ReducedNeed {
  return need.artifacts && !need.optional ? need.job : need;
}

/** The plan reduced to the fields the expected file records. */
export function reducePlan(plan: PipelinePlan, expected: ExpectedPlan): ExpectedPlan {
  const reduced: ExpectedPlan = {
    created: plan.created,
    ...(plan.reason === undefined ? {} : { reason: plan.reason }),
    ...(plan.name === undefined ? {} : { name: plan.name }),
    stages: plan.stages,
    jobs: [],
  };
  reduced.jobs = plan.jobs.map((job) => {
    const entry: ReducedJob = {
      name: job.name,
      stage: job.stage,
      when: job.when,
      needs: job.needs === null ? null : job.needs.map(reduceNeed),
      allowFailure: job.allowFailure,
    };
    if (job.startInSeconds !== null) entry.startInSeconds = job.startInSeconds;
    if (job.dependencies !== null) entry.dependencies = job.dependencies;
    return entry;
  });
  if (plan.planErrors.length > 0) {
    reduced.planErrors = plan.planErrors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`);
  }
  if (expected.variables !== undefined) reduced.variables = plan.variables;
  if (expected.details !== undefined) {
    reduced.details = {};
    for (const [name, fields] of Object.entries(expected.details)) {
      const job = plan.jobs.find((candidate) => candidate.name === name);
      reduced.details[name] = job
        ? Object.fromEntries(Object.keys(fields).map((field) => [field, job[field as keyof PlannedJob]]))
        : { missing: true };
    }
  }
  return reduced;
}
