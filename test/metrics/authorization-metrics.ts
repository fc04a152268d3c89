import { type Fixture, READERS, type Rules } from '../support/authorization-rules.ts';

/**
 * An environment's performance graphs: whoever may read its logs (reporters and read_api tokens
 * unless a protected environment's `logs_access` says more; test/metrics/environment-metrics-api.test.ts).
 * The environment was never sampled, so allowed roles get empty series.
 */
export function metricsRules(): Rules {
  let counter = 0;
  return {
    'GET /api/v1/projects/:id/environments/:environment_id/metrics': {
      projectScoped: true,
      allowed: READERS,
      call: async (f: Fixture) => {
        const id = await f.project();
        const created = await f.t.api<{ id: number }>('POST', `projects/${id}/environments`, {
          body: { name: `graphs-${counter++}` },
        });
        if (created.status !== 201) throw new Error(`creating an environment: ${created.status}`);
        return { method: 'GET', path: `/api/v1/projects/${id}/environments/${created.body.id}/metrics` };
      },
    },
  };
}
