import assert from 'node:assert/strict';
import { eventually, type JobView } from '../support/pipeline-helpers.ts';
import type { TestServer } from '../support/test-server.ts';

// What the deployment end-to-end tests read through the API: deployments, environments, jobs.

/** A deployment as `GET /projects/:id/deployments/:deployment_id` shows it (the fields tests read). */
export interface DeploymentView {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  status: string;
  action: string;
  rollback_of: number | null;
  pipeline_id: number | null;
  environment: { id: number; name: string };
  deployable: { id: number; name: string; status?: string } | null;
  snapshot: { kind: string; sha: string } | null;
}

/** An environment as `GET /projects/:id/environments/:environment_id` shows it. */
export interface EnvironmentView {
  id: number;
  name: string;
  state: string;
  auto_stop_at: string | null;
  last_deployment: DeploymentView | null;
  last_successful_deployment?: DeploymentView | null;
}

/** A job as `GET /projects/:id/jobs/:job_id` shows it, with the times the gate sets. */
export interface TimedJobView extends JobView {
  started_at: string | null;
  finished_at: string | null;
  pipeline: { id: number; sha: string };
}

export const FINISHED = ['success', 'failed', 'canceled', 'skipped'];

/** Every deployment of the project, newest first. */
export async function deploymentsOf(t: TestServer, projectId: number): Promise<DeploymentView[]> {
  const list = await t.api<DeploymentView[]>('GET', `projects/${projectId}/deployments?per_page=100`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  return list.body;
}

export async function deployment(t: TestServer, projectId: number, id: number): Promise<DeploymentView> {
  const got = await t.api<DeploymentView>('GET', `projects/${projectId}/deployments/${id}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body;
}

/** Waits until the deployment reaches one of `statuses`. */
export function deploymentEnds(
  t: TestServer,
  projectId: number,
  id: number,
  statuses: string[] = FINISHED,
): Promise<DeploymentView> {
  return eventually(
    async () => {
      const d = await deployment(t, projectId, id);
      return statuses.includes(d.status) ? d : undefined;
    },
    async () => `deployment ${id}: ${JSON.stringify(await deployment(t, projectId, id))}`,
  );
}

/** The environment named `name` (with its last successful deployment), waiting for it to exist. */
export async function environmentNamed(
  t: TestServer,
  projectId: number,
  name: string,
): Promise<EnvironmentView> {
  const listed = await eventually(
    async () =>
      (
        await t.api<EnvironmentView[]>(
          'GET',
          `projects/${projectId}/environments?name=${encodeURIComponent(name)}`,
        )
      ).body[0],
    () => `no environment ${name}`,
  );
  return environment(t, projectId, listed.id);
}

export async function environment(t: TestServer, projectId: number, id: number): Promise<EnvironmentView> {
  const got = await t.api<EnvironmentView>('GET', `projects/${projectId}/environments/${id}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body;
}

export async function job(t: TestServer, projectId: number, id: number): Promise<TimedJobView> {
  const got = await t.api<TimedJobView>('GET', `projects/${projectId}/jobs/${id}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body;
}

/** Waits until the job reaches one of `statuses`. */
export function jobEnds(
  t: TestServer,
  projectId: number,
  id: number,
  statuses: string[] = FINISHED,
): Promise<TimedJobView> {
  return eventually(
    async () => {
      const j = await job(t, projectId, id);
      return statuses.includes(j.status) ? j : undefined;
    },
    async () => `job ${id}: ${JSON.stringify(await job(t, projectId, id))}`,
  );
}

/** The project's audit events with `action`, newest first. */
export async function auditEvents(
  t: TestServer,
  projectId: number,
  action: string,
): Promise<Array<{ action: string; target_id: number | null; details: Record<string, unknown> }>> {
  const events = await t.api<
    Array<{ action: string; target_id: number | null; details: Record<string, unknown> }>
  >('GET', `projects/${projectId}/audit_events?action=${action}`);
  assert.equal(events.status, 200, JSON.stringify(events.body));
  return events.body;
}
