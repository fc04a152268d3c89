import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretBox } from '../../src/secrets/secret-box.ts';
import type { TargetRow } from '../../src/store/repositories/target-repository.ts';
import { PodmanHost } from '../../src/targets/podman/podman-host.ts';
import { mergePodmanSettings, type PodmanSettingsInput } from '../../src/targets/podman/podman-settings.ts';
import { targetSecretContext } from '../../src/webhooks/webhook-secrets.ts';

/**
 * A PodmanHost whose `podman` is a bash script (test support only): `body` sees podman's
 * arguments in "$@" (global flags included) and prints what podman would.
 */
export async function fakePodmanHost(
  body: string,
  settings: PodmanSettingsInput = {},
): Promise<{ host: PodmanHost; dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-fake-podman-'));
  const binary = join(dir, 'podman');
  await writeFile(binary, `#!/bin/bash\n${body}\n`);
  await chmod(binary, 0o755);
  const host = await PodmanHost.open({
    ...mergePodmanSettings(settings, null),
    scratchDir: join(dir, 'scratch'),
    binary,
  });
  return {
    host,
    dir,
    async close() {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A stored Podman target row (test support). */
export function podmanRow(secrets: SecretBox, settings: PodmanSettingsInput = {}): TargetRow {
  const { config, credentials } = mergePodmanSettings(settings, null);
  return {
    id: 7,
    project_id: 1,
    name: 'host',
    kind: 'podman',
    environment_scope: '*',
    config: JSON.stringify(config),
    secret_encrypted:
      credentials.ssh_key === null
        ? null
        : secrets.encrypt(JSON.stringify(credentials), targetSecretContext(7)),
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}
