import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFile, gitIn } from './git-work-tree.ts';
import { ADMIN_TOKEN, type TestServer } from './test-server.ts';

export interface PipelineView {
  id: number;
  status: string;
  ref: string;
  sha: string;
  source: string;
  errors: Array<{ file: string; line: number; column: number; message: string }>;
}
export interface JobView {
  id: number;
  name: string;
  status: string;
  stage: string;
  exit_code: number | null;
  failure_reason: string | null;
  runner_id: number | null;
  retried: boolean;
  attempt: number;
  artifacts_file: { size: number } | null;
}

/** A clone of a project over HTTP with the admin token, where tests commit and push. */
export async function cloneProject(t: TestServer, path: string, into: string): Promise<string> {
  const url = new URL(`${t.url}/${path}.git`);
  url.username = 'admin';
  url.password = ADMIN_TOKEN;
  await gitIn(join(into, '..'), ['clone', '--quiet', url.toString(), into]);
  return into;
}

/** Commits `files` and pushes the branch; returns the commit id. */
export async function pushFiles(
  work: string,
  files: Record<string, string>,
  branch = 'main',
): Promise<string> {
  const entries = Object.entries(files);
  for (const [name, content] of entries.slice(0, -1)) {
    await writeFile(join(work, name), content);
    await gitIn(work, ['add', '--', name]);
  }
  const [lastName, lastContent] = entries.at(-1)!;
  const sha = await commitFile(work, lastName, lastContent);
  await gitIn(work, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  return sha;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs` with `describe()`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  describe: () => Promise<string> | string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return assert.fail(`timed out: ${await describe()}`);
}

export async function pipelineFor(t: TestServer, projectId: number, sha: string): Promise<PipelineView> {
  return eventually(
    async () => (await t.api<PipelineView[]>('GET', `projects/${projectId}/pipelines?sha=${sha}`)).body[0],
    () => `no pipeline for ${sha}`,
  );
}

/** Waits until the pipeline reaches one of `statuses`; returns it with its jobs. */
export async function waitForPipeline(
  t: TestServer,
  projectId: number,
  pipelineId: number,
  statuses: string[] = ['success', 'failed', 'canceled', 'skipped'],
  timeoutMs = 60_000,
): Promise<{ pipeline: PipelineView; jobs: JobView[] }> {
  const jobs = async () =>
    (await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${pipelineId}/jobs`)).body;
  const pipeline = await eventually(
    async () => {
      const p = (await t.api<PipelineView>('GET', `projects/${projectId}/pipelines/${pipelineId}`)).body;
      return statuses.includes(p.status) ? p : undefined;
    },
    async () =>
      `pipeline ${pipelineId} jobs: ${JSON.stringify((await jobs()).map((j) => [j.name, j.status]))}`,
    timeoutMs,
  );
  return { pipeline, jobs: await jobs() };
}

export async function trace(t: TestServer, projectId: number, jobId: number): Promise<string> {
  const response = await t.api<string>('GET', `projects/${projectId}/jobs/${jobId}/trace`);
  return String(response.body ?? '');
}

export function jobNamed(jobs: JobView[], name: string): JobView {
  const job = jobs.find((j) => j.name === name);
  assert.ok(job, `no job ${name} in ${jobs.map((j) => j.name).join(', ')}`);
  return job;
}
