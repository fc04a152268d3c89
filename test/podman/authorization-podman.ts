import { TargetRepository } from '../../src/store/repositories/target-repository.ts';
import { mergePodmanSettings } from '../../src/targets/podman/podman-settings.ts';
import { type Fixture, READERS, type Rules } from '../support/authorization-rules.ts';

/**
 * The live status of an environment on a Podman target: reporters (and read_api tokens) read it.
 * The target is stored directly (saving one over the API checks a real host) and the environment
 * was never deployed, so allowed roles get the empty status without a Podman host; the status
 * itself is tested against real Podman (test/podman/podman-target.test.ts).
 */
export function podmanRules(): Rules {
  let counter = 0;
  const environment = async (f: Fixture) => {
    const id = await f.project();
    await new TargetRepository(f.t.server.store.db).insert(
      {
        project_id: id,
        name: 'host',
        kind: 'podman',
        environment_scope: '*',
        config: JSON.stringify(mergePodmanSettings({}, null).config),
      },
      null,
    );
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/environments`, {
      body: { name: `podman-view-${counter++}` },
    });
    if (created.status !== 201) throw new Error(`creating an environment: ${created.status}`);
    return `/api/v1/projects/${id}/environments/${created.body.id}/podman`;
  };
  return {
    'GET /api/v1/projects/:id/environments/:environment_id/podman': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: await environment(f) }),
    },
  };
}
