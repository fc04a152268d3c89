import type { PodmanHost } from './podman-host.ts';

/**
 * `podman container inspect --format <format>` of the containers that still exist: one removed
 * meanwhile (a redeploy replacing its pod) is left out rather than failing the rest, as podman
 * reports the others and exits with 125.
 * @throws as {@link PodmanHost.run} when podman fails otherwise.
 */
export async function inspectPresent(
  host: PodmanHost,
  names: readonly string[],
  format: string,
): Promise<string> {
  if (names.length === 0) return '';
  const args = ['container', 'inspect', '--format', format, ...names];
  const output = await host.attempt(args);
  if (output.code !== 0 && !/no such container/i.test(output.stderr)) throw host.failure(args, output.stderr);
  return output.stdout;
}
