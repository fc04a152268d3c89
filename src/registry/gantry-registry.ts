import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { RegistrySetting } from '../config/server-config.ts';
import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import type { ProjectAction } from '../domain/project-role.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ProjectAccess } from '../services/project-access.ts';
import type { ProjectRoleCheck } from '../services/project-role-check.ts';
import { BundledRegistry } from './bundled-registry.ts';
import { PullCredentials, type RegistryCredential } from './pull-credentials.ts';
import { RegistryAccess } from './registry-access.ts';
import { RegistryProxy } from './registry-proxy.ts';
import type { RegistryRepository } from './registry-repository.ts';
import { RegistryService } from './registry-service.ts';
import { RegistryUpstream } from './registry-upstream.ts';
import { TagLedger } from './tag-ledger.ts';

/** The registry as the rest of the server sees it. */
export interface GantryRegistry {
  /** `host[:port]` of Gantry's external URL, where clients reach `/v2/` (`CI_REGISTRY`); null while off. */
  host: string | null;
  /** The backend `/v2/` forwards to; null while off. */
  upstream: RegistryUpstream | null;
  /** Why the registry is off and how to turn it on; null while on. */
  offReason: string | null;
  /** Starts the bundled registry's process (nothing for the other kinds). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Credentials that may pull project `projectId`'s images for `ttlSeconds` (1 to 86,400), for a
   * deployer (the Podman target's `podman login`). Pull-only, signed with the server's key.
   */
  mintPullCredential(projectId: number, ttlSeconds: number): RegistryCredential;
}

/**
 * Sets up the registry GANTRY_REGISTRY asks for: the bundled `docker-registry` (off, with a note
 * saying how to install it, when its binary is missing), an external registry, or none. The
 * bundled process starts with {@link GantryRegistry.start}.
 */
export async function createGantryRegistry(options: {
  setting: RegistrySetting;
  dataDir: string;
  externalUrl: string;
  secrets: SecretBox;
  /** Notes for the server's log: why the registry is off, restarts of the bundled one. */
  log: (line: string) => void;
  /** The bundled registry's own log lines. */
  output: (line: string) => void;
}): Promise<GantryRegistry> {
  const { setting, secrets } = options;
  const credentials = new PullCredentials(secrets);
  const host = new URL(options.externalUrl).host;
  const base = {
    mintPullCredential: (projectId: number, ttlSeconds: number) => credentials.mint(projectId, ttlSeconds),
  };
  const off = (offReason: string): GantryRegistry => ({
    ...base,
    host: null,
    upstream: null,
    offReason,
    start: async () => options.log(offReason),
    stop: async () => {},
  });
  if (setting.kind === 'off') return off('the image registry is off (GANTRY_REGISTRY=off)');
  if (setting.kind === 'external') {
    return {
      ...base,
      host,
      upstream: new RegistryUpstream({
        kind: 'remote',
        url: setting.url,
        username: setting.username,
        password: setting.password,
      }),
      offReason: null,
      start: async () => {},
      stop: async () => {},
    };
  }
  const installed = await access(setting.binary, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!installed) {
    return off(
      `the image registry is off: ${setting.binary} is not installed. Install Debian's Docker registry with \`apt-get install docker-registry\` and restart Gantry, or set GANTRY_REGISTRY to an external registry's URL (GANTRY_REGISTRY=off hides this note)`,
    );
  }
  let bundled: BundledRegistry;
  try {
    bundled = new BundledRegistry({
      binary: setting.binary,
      dataDir: options.dataDir,
      httpSecret: secrets.digest('http-secret', 'bundled-registry'),
      log: options.log,
      output: options.output,
    });
  } catch (error) {
    return off(`the image registry is off: ${(error as Error).message}`);
  }
  return {
    ...base,
    host,
    upstream: new RegistryUpstream({ kind: 'socket', socketPath: bundled.paths.socketPath }),
    offReason: null,
    start: () => bundled.start(),
    stop: () => bundled.stop(),
  };
}

/** The `/v2/` proxy and the registry API of a {@link GantryRegistry}, wired to Gantry's services. */
export function registryEndpoints(
  registry: GantryRegistry,
  deps: {
    rows: RegistryRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    secrets: SecretBox;
    authenticateToken(token: string): Promise<Actor>;
    authenticateJobToken(token: string): Promise<{ id: number; project_id: number }>;
    log: (message: string, error?: unknown) => void;
  },
): { proxy: RegistryProxy; service: RegistryService } {
  const access = new RegistryAccess({
    authenticateToken: deps.authenticateToken,
    authenticateJobToken: deps.authenticateJobToken,
    mayPerform: (actor: Actor, projectId: number, action: ProjectAction) =>
      deps.access.require(actor, String(projectId), action).then(
        () => true,
        (error: unknown) => (error instanceof GantryError ? false : Promise.reject(error)),
      ),
    isMaintainer: async (actor, projectId) => {
      const project = await deps.access.find(String(projectId));
      return project !== undefined && deps.roles.has(actor, project, 'maintainer');
    },
    findRecordedProject: (name) => deps.rows.findRecordedProject(name),
    findProjectByPath: (candidates) => deps.rows.findProjectByPath(candidates),
    pullCredentials: new PullCredentials(deps.secrets),
  });
  return {
    proxy: new RegistryProxy({
      access,
      upstream: registry.upstream,
      ledger: new TagLedger(deps.rows),
      offMessage: registry.offReason ?? '',
      log: deps.log,
    }),
    service: new RegistryService({
      rows: deps.rows,
      access: deps.access,
      roles: deps.roles,
      upstream: registry.upstream,
    }),
  };
}
