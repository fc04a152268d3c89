import assert from 'node:assert/strict';
import type { DeploymentView } from '../deployments/deployment-helpers.ts';
import type { RestartableGantry } from './gantry-process.ts';
import { eventually } from './pipeline-helpers.ts';
import { ADMIN_TOKEN } from './test-server.ts';

/**
 * Kills the server (-9) once the project's newest deployment runs on a `kind` target, starts it
 * again, and asserts that the deployment is not left running: it fails, the reason in its job log.
 */
export async function assertCrashFailsDeployment(
  gantry: RestartableGantry,
  projectId: number,
  kind: 'kubernetes' | 'podman',
): Promise<void> {
  const running = await eventually(
    async () => {
      const [d] = (await gantry.api<DeploymentView[]>('GET', `projects/${projectId}/deployments`)).body;
      return d?.status === 'running' && d.snapshot?.kind === kind ? d : undefined;
    },
    () => `no running ${kind} deployment`,
  );
  await gantry.kill();

  await gantry.start();
  const ended = await eventually(
    async () => {
      const got = await gantry.api<DeploymentView>('GET', `projects/${projectId}/deployments/${running.id}`);
      return got.body.status === 'running' ? undefined : got.body;
    },
    () => 'the deployment stayed running after the restart',
  );
  assert.equal(ended.status, 'failed');
  const trace = await fetch(
    `${gantry.base()}/api/v1/projects/${projectId}/jobs/${ended.deployable!.id}/trace`,
    {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    },
  );
  assert.match(await trace.text(), /the server stopped while this deployment ran/);
}
