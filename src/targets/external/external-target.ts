import { parseSnapshot } from '../../domain/deployment-snapshot.ts';
import { jobSnapshot } from '../../scheduler/job-snapshot.ts';
import type { DeployOutcome, DeployRequest, Target } from '../target.ts';

/** Queues a signed webhook delivery to a target (WebhookOutbox.enqueueForTarget). */
export type TargetDelivery = (
  targetId: number,
  projectId: number,
  event: string,
  payload: object,
) => Promise<number>;

/**
 * An external deployer, in the GitHub Deployments model: it receives a signed `deployment` event
 * (HMAC-SHA256 over the body with the target's secret, header `x-gantry-signature-256`) and reports
 * back with `POST /projects/:id/deployments/:deployment_id/statuses` at the `statuses_url` it names.
 */
export class ExternalTarget implements Target {
  readonly kind = 'external';
  readonly #deliver: TargetDelivery;
  readonly #externalUrl: string;

  constructor(deliver: TargetDelivery, externalUrl: string) {
    this.#deliver = deliver;
    this.#externalUrl = externalUrl;
  }

  async deploy({
    job,
    deployment,
    environment,
    project,
    target,
    log,
  }: DeployRequest): Promise<DeployOutcome> {
    const api = `${this.#externalUrl}/api/v1/projects/${project.id}`;
    const delivery = await this.#deliver(target.id, project.id, 'deployment', {
      action: 'created',
      deployment: {
        id: deployment.id,
        iid: deployment.iid,
        sha: deployment.sha,
        ref: deployment.ref,
        tag: deployment.tag === 1,
        task: deployment.action === 'stop' ? 'stop' : 'deploy',
        environment: environment.name,
        created_at: deployment.created_at,
        rollback_of: deployment.rollback_of,
        // A deploy: job's deployment has no snapshot of its own yet: the job as planned stands in.
        snapshot: parseSnapshot(deployment.snapshot) ?? {
          kind: 'script',
          ...jobSnapshot(job, deployment, environment, null),
        },
        statuses_url: `${api}/deployments/${deployment.id}/statuses`,
        url: `${api}/deployments/${deployment.id}`,
      },
      environment: {
        id: environment.id,
        name: environment.name,
        slug: environment.slug,
        tier: environment.tier,
        external_url: environment.external_url,
      },
      job: { id: job.id, name: job.name, pipeline_id: job.pipeline_id },
      project: { id: project.id, path_with_namespace: project.path },
      target: { id: target.id, name: target.name },
    });
    await log.line(
      `Deployment #${deployment.iid} sent to external deployer "${target.name}" (delivery ${delivery}); waiting for it to report statuses`,
    );
    return { status: 'reported' };
  }
}
