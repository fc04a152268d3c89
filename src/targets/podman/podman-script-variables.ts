import { containersConf } from '../../podman/containers-conf.ts';
import type { JobVariable } from '../../runner/job-spec.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRepository } from '../../store/repositories/target-repository.ts';
import { podmanSettingsOf } from './podman-connection.ts';

/**
 * The variables a `script:` job on an environment served by a Podman target receives, so that
 * the `podman` its script runs reaches the target's host with its settings: `CONTAINERS_CONF` (a
 * file: runtime, cgroup manager, rlimits), and for a remote host `CONTAINER_HOST` (its URL) and,
 * over SSH, `CONTAINER_SSHKEY` (a file holding the key). None for environments without a Podman
 * target. The script names its own objects: Gantry's prefixes and port publishing are for
 * `deploy:` jobs.
 */
export class PodmanScriptVariables {
  readonly #deps: { targets: TargetRepository; secrets: SecretBox };

  constructor(deps: { targets: TargetRepository; secrets: SecretBox }) {
    this.#deps = deps;
  }

  async variablesFor(job: JobRow, environment: { name: string }): Promise<JobVariable[]> {
    const row = await this.#deps.targets.findForEnvironment(job.project_id, environment.name);
    if (row?.kind !== 'podman') return [];
    const { config, credentials } = podmanSettingsOf(row, this.#deps.secrets);
    const variables: JobVariable[] = [
      {
        key: 'CONTAINERS_CONF',
        value: containersConf({
          runtime: config.runtime,
          cgroupManager: config.cgroup_manager,
          ulimits: config.ulimits,
        }),
        file: true,
        masked: false,
      },
    ];
    if (config.url !== null)
      variables.push({ key: 'CONTAINER_HOST', value: config.url, file: false, masked: false });
    if (credentials.ssh_key !== null)
      variables.push({ key: 'CONTAINER_SSHKEY', value: credentials.ssh_key, file: true, masked: false });
    return variables;
  }
}
