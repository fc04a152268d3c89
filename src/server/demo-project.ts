import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GantryError } from '../domain/errors.ts';
import { diffRefs, listRefs } from '../git/bare-repository.ts';
import { runGit } from '../git/run-git.ts';
import type { ProjectService } from '../services/project-service.ts';
import type { ProtectedEnvironmentService } from '../services/protected-environment-service.ts';
import type { PushRecorder } from '../services/push-recorder.ts';
import type { RepositoryStorage } from '../services/repository-storage.ts';
import type { TargetService } from '../services/target-service.ts';
import type { UserRow } from '../store/repositories/user-repository.ts';

export const DEMO_PROJECT_PATH = 'demo/hello';
const TEMPLATE = fileURLToPath(new URL('../../demo/hello/', import.meta.url));

/** Maintainer access level (GitLab's 40): who approves the demo's production deployments. */
const MAINTAINER = 40;

/** What {@link ensureDemoProject} did, for the server to announce. */
export interface DemoProjectOutcome {
  created: boolean;
  /** Why the demo has no Podman target (Podman missing or not working here); null when it has one. */
  podmanProblem: string | null;
}

/**
 * Creates the demo project unless it exists: a hosted repository whose first commit is `demo/hello/`
 * (a web app built into a `FROM scratch` image, its Kubernetes YAML and a pipeline deploying review
 * apps and staging by itself and production by hand), a Podman target on this host for every
 * environment, and a protected production needing one maintainer's approval (self-approval allowed:
 * the demo has one user). The target and rule exist before the first commit, which is recorded as a
 * push by the admin, so its pipeline deploys at once. Without a working Podman the project is still
 * created (its deployments then fail saying there is no target) and the reason is returned.
 */
export async function ensureDemoProject(deps: {
  admin: UserRow;
  projects: ProjectService;
  storage: RepositoryStorage;
  recorder: PushRecorder;
  targets: TargetService;
  protectedEnvironments: ProtectedEnvironmentService;
}): Promise<DemoProjectOutcome> {
  const actor = {
    userId: deps.admin.id,
    username: deps.admin.username,
    isAdmin: true,
    scopes: ['api'] as const,
  };
  const exists = await deps.projects.get(actor, DEMO_PROJECT_PATH).then(
    () => true,
    (error: unknown) => {
      if (error instanceof GantryError && error.code === 'not_found') return false;
      throw error;
    },
  );
  if (exists) return { created: false, podmanProblem: null };
  const project = await deps.projects.create(actor, {
    path: DEMO_PROJECT_PATH,
    name: 'hello',
    description: 'The demo project created by gantry serve --demo',
  });
  const podmanProblem = await deps.targets
    .createProject(actor, DEMO_PROJECT_PATH, {
      name: 'this host (Podman)',
      kind: 'podman',
      environment_scope: '*',
    })
    .then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
  await deps.protectedEnvironments.create(actor, DEMO_PROJECT_PATH, {
    name: 'production',
    deploy_access_levels: [{ access_level: MAINTAINER }],
    required_approval_count: 1,
    approval_rules: [{ access_level: MAINTAINER }],
    allow_self_approval: true,
  });
  const bare = deps.storage.pathOf(project.id);
  const work = await mkdtemp(join(tmpdir(), 'gantry-demo-'));
  try {
    await cp(TEMPLATE, work, { recursive: true });
    const identity = ['-c', `user.name=${deps.admin.name}`, '-c', 'user.email=admin@gantry.invalid'];
    await runGit(['init', '--quiet', `--initial-branch=${project.default_branch}`], { cwd: work });
    await runGit(['add', '--all'], { cwd: work });
    await runGit([...identity, 'commit', '--quiet', '-m', 'Demo project'], { cwd: work });
    const before = await listRefs(bare);
    await runGit(['push', '--quiet', bare, `HEAD:refs/heads/${project.default_branch}`], { cwd: work });
    await deps.recorder.record(project.id, deps.admin.id, diffRefs(before, await listRefs(bare)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { created: true, podmanProblem };
}
