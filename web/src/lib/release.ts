import type { ReleaseDeployment } from '../api/release-types.ts';

/**
 * Where a release went: the newest deployment of its tag to each environment, from the release's
 * deployments (newest first), in the order environments were last deployed to.
 */
export function latestPerEnvironment(deployments: readonly ReleaseDeployment[]): ReleaseDeployment[] {
  const seen = new Set<number>();
  return deployments.filter((deployment) => {
    if (seen.has(deployment.environment.id)) return false;
    seen.add(deployment.environment.id);
    return true;
  });
}

/** The path of a release's page below a project's UI prefix; the tag is one encoded segment. */
export function releaseHref(base: string, tagName: string): string {
  return `${base}/releases/${encodeURIComponent(tagName)}`;
}

/**
 * Whether a live event may change what a project's release pages show: a release changed, or a
 * deployment (of one of its tags, maybe) started or ended.
 */
export function affectsReleases(event: { type: string; project_id?: number }, projectId: number): boolean {
  return event.project_id === projectId && (event.type === 'release' || event.type === 'deployment');
}
