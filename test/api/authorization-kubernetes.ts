import { type Fixture, READERS, type Rules } from '../support/authorization-rules.ts';

/**
 * The Kubernetes live view and drift of an environment: reporters (and read_api tokens) read them.
 * The environment has never been deployed to Kubernetes, so allowed roles get the empty view
 * without a cluster; the views themselves are tested against the rig.
 */
export function kubernetesRules(): Rules {
  let counter = 0;
  const environment = async (f: Fixture) => {
    const id = await f.project();
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/environments`, {
      body: { name: `k8s-view-${counter++}` },
    });
    if (created.status !== 201) throw new Error(`creating an environment: ${created.status}`);
    return `/api/v1/projects/${id}/environments/${created.body.id}/kubernetes`;
  };
  return {
    'GET /api/v1/projects/:id/environments/:environment_id/kubernetes': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: await environment(f) }),
    },
    'GET /api/v1/projects/:id/environments/:environment_id/kubernetes/drift': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `${await environment(f)}/drift` }),
    },
  };
}
