import type { JobVariable } from '../../runner/job-spec.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRepository } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { endpointAddress } from './ssh-endpoint.ts';
import { parseSshConfig, parseSshCredentials } from './ssh-settings.ts';

/**
 * The variables a `script:` job on an environment served by an SSH target receives, to reach its
 * hosts as `deploy:` jobs do: `SSH_PRIVATE_KEY` and `SSH_KNOWN_HOSTS` (files: the key, and the host
 * keys recorded at registration, so `ssh -o UserKnownHostsFile="$SSH_KNOWN_HOSTS"` checks them),
 * `SSH_PASSWORD` (masked) when one is set, `SSH_USER`, `SSH_HOSTS` (every `host:port`,
 * space-separated), `SSH_HOST` and `SSH_PORT` (the first host) and `SSH_DEPLOY_TO`. None for
 * environments without an SSH target.
 */
export class SshScriptVariables {
  readonly #deps: { targets: TargetRepository; secrets: SecretBox };

  constructor(deps: { targets: TargetRepository; secrets: SecretBox }) {
    this.#deps = deps;
  }

  async variablesFor(job: JobRow, environment: { name: string }): Promise<JobVariable[]> {
    const row = await this.#deps.targets.findForEnvironment(job.project_id, environment.name);
    if (row?.kind !== 'ssh') return [];
    const config = parseSshConfig(row.config);
    const credentials = parseSshCredentials(
      row.secret_encrypted === null
        ? null
        : this.#deps.secrets.decrypt(row.secret_encrypted, targetSecretContext(row.id)),
    );
    const plain = (key: string, value: string): JobVariable => ({ key, value, file: false, masked: false });
    const [first] = config.hosts;
    const variables: JobVariable[] = [
      plain('SSH_USER', config.user),
      plain('SSH_HOSTS', config.hosts.map(endpointAddress).join(' ')),
      plain('SSH_DEPLOY_TO', config.deploy_to),
      {
        key: 'SSH_KNOWN_HOSTS',
        value: `${config.hosts.map((host) => host.known_hosts.trim()).join('\n')}\n`,
        file: true,
        masked: false,
      },
    ];
    if (first) variables.push(plain('SSH_HOST', first.host), plain('SSH_PORT', String(first.port)));
    if (credentials.private_key !== null)
      variables.push({ key: 'SSH_PRIVATE_KEY', value: credentials.private_key, file: true, masked: false });
    if (credentials.password !== null)
      variables.push({ key: 'SSH_PASSWORD', value: credentials.password, file: false, masked: true });
    return variables;
  }
}
