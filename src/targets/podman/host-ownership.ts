import { conflict } from '../../domain/errors.ts';
import { PROJECT_LABEL } from '../kubernetes/gantry-metadata.ts';
import type { PodmanHost } from './podman-host.ts';

/** What Gantry names on a Podman host, and checks before it replaces, mounts or removes one. */
export type HostObjectKind = 'pod' | 'volume';

/** The labels of a pod or volume on the host; null when there is none of that name. */
export type HostLabels = Readonly<Record<string, string>> | null;

/** Whether a pod or volume with these labels is project `projectId`'s (its `gantry.dev/project` label). */
export function ownedBy(labels: Readonly<Record<string, string>>, projectId: number): boolean {
  return labels[PROJECT_LABEL] === String(projectId);
}

/**
 * Whether project `projectId` may take over a pod or volume of the host with these labels: when
 * there is none (null), or it carries the project's `gantry.dev/project` label. Environment names
 * (`<project path slug>-<environment slug>-`) can collide across projects (`a-b/c` and `a/b-c`
 * both give `a-b-c-`); the label tells them apart. One without the label is not Gantry's.
 * @returns null when it may, else why not (for the deployment's error).
 */
export function ownershipConflict(
  kind: HostObjectKind,
  name: string,
  labels: HostLabels,
  projectId: number,
): string | null {
  if (labels === null || ownedBy(labels, projectId)) return null;
  const owner = labels[PROJECT_LABEL];
  return owner === undefined
    ? `${kind} ${name} already exists on this host and is not Gantry's (it has no ${PROJECT_LABEL} label)`
    : `${kind} ${name} already exists on this host and belongs to another project (${PROJECT_LABEL}=${owner})`;
}

/**
 * The labels of a pod or volume on the host (`podman pod|volume inspect`); null when it does not exist.
 * @throws as {@link PodmanHost.run} when podman fails otherwise.
 */
export async function hostLabels(
  host: PodmanHost,
  kind: HostObjectKind,
  name: string,
  signal?: AbortSignal,
): Promise<HostLabels> {
  const args = [kind, 'inspect', '--format', '{{json .Labels}}', name];
  const output = await host.attempt(args, { ...(signal && { signal }) });
  if (output.code !== 0) {
    if (/no such (pod|volume)/i.test(output.stderr)) return null;
    throw host.failure(args, output.stderr);
  }
  const text = output.stdout.trim();
  return (text === '' ? null : (JSON.parse(text) as Record<string, string> | null)) ?? {};
}

/**
 * Refuses a deployment whose pods or volumes would replace, or mount, another project's (or ones
 * Gantry did not make): checked before anything changes on the host.
 * @throws GantryError('conflict') naming every such pod and volume.
 */
export async function assertOwnNames(
  host: PodmanHost,
  names: { pods: readonly string[]; volumes: readonly string[] },
  projectId: number,
  signal?: AbortSignal,
): Promise<void> {
  const conflicts: string[] = [];
  const check = async (kind: HostObjectKind, name: string) => {
    const found = ownershipConflict(kind, name, await hostLabels(host, kind, name, signal), projectId);
    if (found !== null) conflicts.push(found);
  };
  for (const pod of names.pods) await check('pod', pod);
  for (const volume of names.volumes) await check('volume', volume);
  if (conflicts.length === 0) return;
  throw conflict(
    `${conflicts.join('; ')}. This environment's names collide with another project's on this host ` +
      '(names are the project path and environment slugs joined by "-"); nothing was changed: ' +
      'deploy this project to an environment of another name, or to another host',
  );
}

/**
 * The pods of `pods` that project `projectId` may remove: those that exist and carry its label
 * (a pod of another project of the same name is left alone).
 */
export async function ownPods(
  host: PodmanHost,
  pods: readonly string[],
  projectId: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const own: string[] = [];
  for (const pod of pods) {
    const labels = await hostLabels(host, 'pod', pod, signal);
    if (labels !== null && ownedBy(labels, projectId)) own.push(pod);
  }
  return own;
}
