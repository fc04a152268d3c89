import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { containersConf, type PodmanHostSettings, registriesConf } from './containers-conf.ts';

/** The Podman configuration files Gantry writes for its host, and the environment that selects them. */
export interface PodmanHostFiles {
  /** `<dataDir>/podman/containers.conf` ({@link containersConf} of the host settings). */
  containersConf: string;
  /** `<dataDir>/podman/registries.conf`, marking Gantry's plain-HTTP registry insecure; null when not needed. */
  registriesConf: string | null;
  /** The host settings the files carry (from GANTRY_PODMAN_*). */
  settings: PodmanHostSettings;
  /** `CONTAINERS_CONF` (and `CONTAINERS_REGISTRIES_CONF` when written) for podman's environment. */
  environment: Record<string, string>;
}

/** Where {@link writePodmanHostFiles} puts the files, for a data directory. */
export function podmanHostFilePaths(dataDir: string): {
  dir: string;
  containersConf: string;
  registriesConf: string;
} {
  const dir = join(dataDir, 'podman');
  return { dir, containersConf: join(dir, 'containers.conf'), registriesConf: join(dir, 'registries.conf') };
}

/**
 * Writes the host's Podman configuration under the data directory, so every podman Gantry starts
 * — build jobs of the embedded runner, the Podman target — runs with the same settings:
 * `containers.conf` always; `registries.conf` only when `insecureRegistries` (`host:port` served
 * over plain HTTP, as Gantry's registry is behind an http:// external URL) is not empty, since it
 * replaces the system's registries.conf (no short-name search).
 */
export async function writePodmanHostFiles(options: {
  dataDir: string;
  settings: PodmanHostSettings;
  insecureRegistries: readonly string[];
}): Promise<PodmanHostFiles> {
  const paths = podmanHostFilePaths(options.dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writeFile(paths.containersConf, containersConf(options.settings), { mode: 0o600 });
  const environment: Record<string, string> = { CONTAINERS_CONF: paths.containersConf };
  if (options.insecureRegistries.length === 0) {
    await rm(paths.registriesConf, { force: true });
    return {
      containersConf: paths.containersConf,
      registriesConf: null,
      settings: options.settings,
      environment,
    };
  }
  await writeFile(paths.registriesConf, registriesConf(options.insecureRegistries), { mode: 0o600 });
  environment.CONTAINERS_REGISTRIES_CONF = paths.registriesConf;
  return {
    containersConf: paths.containersConf,
    registriesConf: paths.registriesConf,
    settings: options.settings,
    environment,
  };
}
