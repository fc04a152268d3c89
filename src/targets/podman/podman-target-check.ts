import { GantryError } from '../../domain/errors.ts';
import { PodmanHost } from './podman-host.ts';
import type { PodmanCheck } from './podman-settings.ts';

/**
 * The check a Podman target passes on every save: `podman info` answers on its host with its
 * settings (runtime, cgroup manager, SSH key). The error says what to do: install podman, make the
 * host reachable, give Gantry's user access.
 */
export function podmanTargetCheck(scratchDir: string, binary?: string): PodmanCheck {
  return async (config, credentials) => {
    const host = await PodmanHost.open({ config, credentials, scratchDir, ...(binary && { binary }) });
    try {
      const info = await host.json<{ version?: { Version?: string } }>(['info', '--format', 'json'], {
        timeoutMs: 30_000,
      });
      return { version: info?.version?.Version ?? 'unknown' };
    } catch (error) {
      throw new GantryError(
        'validation_failed',
        `Podman on ${host.where} does not answer: ${(error as Error).message}`,
      );
    } finally {
      await host.close();
    }
  };
}
