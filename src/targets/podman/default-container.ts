import { inspectPresent } from './container-inspect.ts';
import type { SelectedContainer } from './container-selection.ts';
import type { PodmanHost } from './podman-host.ts';

/**
 * The container a terminal opens in when the request names none (pure): in the first of the
 * selected pods that has a running container, the running one declared first — `podman kube play`
 * creates a pod's containers in the manifest's order, so the earliest created (`created`, by
 * Podman's name; init containers have ended). When none runs, the first selected (to be refused
 * with its state).
 */
export function defaultContainer(
  selected: readonly SelectedContainer[],
  created: ReadonlyMap<string, bigint>,
): SelectedContainer | undefined {
  const running = selected.filter((entry) => entry.state.state === 'running');
  const pod = running[0]?.pod;
  if (pod === undefined) return selected[0];
  const earlier = (a: SelectedContainer, b: SelectedContainer) => {
    const [at, bt] = [created.get(a.podmanName), created.get(b.podmanName)];
    return at !== undefined && (bt === undefined || at < bt);
  };
  return running
    .filter((entry) => entry.pod === pod)
    .reduce((first, entry) => (earlier(entry, first) ? entry : first));
}

/** When containers were created (nanoseconds since the epoch), by Podman's name. */
export async function readCreationTimes(
  host: PodmanHost,
  names: readonly string[],
): Promise<Map<string, bigint>> {
  const output = await inspectPresent(host, names, '{{.Name}}\t{{.Created.UnixNano}}');
  return new Map(
    output
      .split('\n')
      .map((line) => /^(\S+)\t(\d+)$/.exec(line))
      .flatMap((match) => (match ? [[match[1]!, BigInt(match[2]!)] as const] : [])),
  );
}
