/**
 * Rebuilds of what is deployed (docs/rebuilds.md): the pipeline file runs again at the commit an
 * environment runs, with no build cache, and deploys only to the environments being rebuilt.
 */

/** An environment's current deployment, as a rebuild starts from it. */
export interface DeployedCommit {
  environment: string;
  sha: string;
  ref: string;
  tag: boolean;
}

/** One rebuild pipeline: a commit (at the ref it was deployed from) and the environments it redeploys. */
export interface RebuildGroup {
  sha: string;
  ref: string;
  tag: boolean;
  environments: string[];
}

/**
 * One rebuild pipeline per distinct commit and ref, in the order the commits first appear. The ref
 * counts too because the pipeline file's rules see it: the same commit deployed from a branch and
 * from a tag gets a pipeline for each, so each environment's deployment job is planned as it was.
 */
export function groupByCommit(deployed: readonly DeployedCommit[]): RebuildGroup[] {
  const groups = new Map<string, RebuildGroup>();
  for (const { environment, sha, ref, tag } of deployed) {
    const key = `${sha} ${tag ? 'tag' : 'branch'} ${ref}`;
    const group = groups.get(key);
    if (group) group.environments.push(environment);
    else groups.set(key, { sha, ref, tag, environments: [environment] });
  }
  return [...groups.values()];
}

/** The pipeline variables of a rebuild: the marker, what it deploys, and no layer cache for buildah/podman. */
export function rebuildVariables(
  environments: readonly string[],
): Array<{ key: string; value: string; variable_type: 'env_var' }> {
  return [
    { key: 'GANTRY_REBUILD', value: '1', variable_type: 'env_var' },
    { key: 'GANTRY_REBUILD_ENVIRONMENTS', value: environments.join(','), variable_type: 'env_var' },
    { key: 'BUILDAH_LAYERS', value: 'false', variable_type: 'env_var' },
  ];
}

/**
 * What a rebuild pipeline does with a job that has an `environment:`: `skip` it when its
 * environment is not being rebuilt; `run` a manual deployment (`action: start`) to one that is —
 * asking for the rebuild was the click — and otherwise leave the job `as_planned` (stop jobs stay
 * manual; approvals, freezes and locks still apply at the deployment gate).
 */
export function rebuildJobDecision(
  rebuilt: readonly string[],
  job: { environment: string; action: string; when: string },
): 'skip' | 'run' | 'as_planned' {
  if (!rebuilt.includes(job.environment)) return 'skip';
  return job.action === 'start' && job.when === 'manual' ? 'run' : 'as_planned';
}

/** The environments a pipeline rebuilds, from `pipelines.rebuild_environments`; null when it is no rebuild. */
export function parseRebuildEnvironments(stored: string | null): string[] | null {
  if (stored === null) return null;
  const parsed: unknown = JSON.parse(stored);
  if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === 'string')) {
    throw new Error(`stored rebuild environments are not a list of names: ${stored}`);
  }
  return parsed;
}

/** What `pipelines.rebuild_environments` stores. */
export function serializeRebuildEnvironments(environments: readonly string[]): string {
  return JSON.stringify(environments);
}
