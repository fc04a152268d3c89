import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GantryError } from '../domain/errors.ts';
import { diffRefs, listRefs } from '../git/bare-repository.ts';
import { runGit } from '../git/run-git.ts';
import type { ProjectService } from '../services/project-service.ts';
import type { PushRecorder } from '../services/push-recorder.ts';
import type { RepositoryStorage } from '../services/repository-storage.ts';
import type { UserRow } from '../store/repositories/user-repository.ts';

export const DEMO_PROJECT_PATH = 'demo/hello';
const TEMPLATE = fileURLToPath(new URL('../../demo/hello/', import.meta.url));

/**
 * Creates the demo project (a hosted repository with a first commit from `demo/hello/`) unless it
 * exists. The first commit is recorded as a push event by the admin, as if they had pushed it.
 */
export async function ensureDemoProject(deps: {
  admin: UserRow;
  projects: ProjectService;
  storage: RepositoryStorage;
  recorder: PushRecorder;
}): Promise<boolean> {
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
  if (exists) return false;
  const project = await deps.projects.create(actor, {
    path: DEMO_PROJECT_PATH,
    name: 'hello',
    description: 'The demo project created by gantry serve --demo',
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
  return true;
}
