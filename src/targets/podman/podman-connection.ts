import { DEFAULT_NAMESPACE_TEMPLATE, renderNamespace } from '../../domain/kubernetes-namespace.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { PodmanHost } from './podman-host.ts';
import {
  type PodmanConfig,
  type PodmanCredentials,
  parsePodmanConfig,
  parsePodmanCredentials,
} from './podman-settings.ts';

/** What every user of Podman targets needs to reach their hosts. */
export interface PodmanAccess {
  secrets: SecretBox;
  /** Parent of the sessions' directories (containers.conf, SSH keys, YAML files). */
  scratchDir: string;
  /** The podman executable; `podman` from PATH by default. */
  podmanBinary?: string;
  /** registries.conf of Gantry's registry (plain HTTP), used when the file exists. */
  registriesConf?: string;
}

/** A stored Podman target's settings, its SSH key decrypted. */
export function podmanSettingsOf(
  row: TargetRow,
  secrets: SecretBox,
): { config: PodmanConfig; credentials: PodmanCredentials } {
  if (row.kind !== 'podman') throw new Error(`target ${row.name} is of kind ${row.kind}, not podman`);
  return {
    config: parsePodmanConfig(row.config),
    credentials: parsePodmanCredentials(
      row.secret_encrypted === null
        ? null
        : secrets.decrypt(row.secret_encrypted, targetSecretContext(row.id)),
    ),
  };
}

/** Opens a session with a stored Podman target's host; close it when done. */
export function openPodmanHost(row: TargetRow, access: PodmanAccess): Promise<PodmanHost> {
  return PodmanHost.open({
    ...podmanSettingsOf(row, access.secrets),
    scratchDir: access.scratchDir,
    ...(access.podmanBinary && { binary: access.podmanBinary }),
    ...(access.registriesConf && { registriesConf: access.registriesConf }),
  });
}

/**
 * What an environment's objects, pods and volumes are called on a Podman host: the project's path
 * slug and the environment's slug (as Kubernetes namespaces are named by default). Two projects can
 * get the same key (`a-b/c` and `a/b-c`, or `shop` + `prod-web` and `shop-prod` + `web`): the
 * `gantry.dev/project` label tells their pods and volumes apart, and a deployment whose names are
 * another project's is refused (host-ownership.ts). Also a label value (at most 63 characters).
 */
export function environmentKey(project: { id: number; path: string }, environmentSlug: string): string {
  return renderNamespace(DEFAULT_NAMESPACE_TEMPLATE, {
    projectId: project.id,
    projectPath: project.path,
    environmentSlug,
  });
}
