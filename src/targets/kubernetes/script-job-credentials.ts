import type { JobVariable } from '../../runner/job-spec.ts';
import { parseDefinition } from '../../scheduler/job-definition.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { ProjectRepository } from '../../store/repositories/project-repository.ts';
import type { TargetRepository } from '../../store/repositories/target-repository.ts';
import { connectTarget, environmentNamespace, scriptKubeconfig } from './target-connection.ts';

/**
 * The variables a `script:` job on an environment served by a Kubernetes target receives:
 * `KUBECONFIG` (a file: the target's cluster and credentials, namespace set), `KUBE_NAMESPACE`
 * and `KUBE_URL`, and for token targets `KUBE_TOKEN` (masked), as GitLab's cluster integration
 * named them. None for environments without a Kubernetes target.
 */
export class ScriptJobCredentials {
  readonly #deps: { targets: TargetRepository; projects: ProjectRepository; secrets: SecretBox };

  constructor(deps: { targets: TargetRepository; projects: ProjectRepository; secrets: SecretBox }) {
    this.#deps = deps;
  }

  async variablesFor(job: JobRow, environment: { name: string; slug: string }): Promise<JobVariable[]> {
    const row = await this.#deps.targets.findForEnvironment(job.project_id, environment.name);
    if (row?.kind !== 'kubernetes') return [];
    const project = await this.#deps.projects.findById(job.project_id);
    if (!project) return [];
    const { config, credentials, kubeConfig } = connectTarget(row, this.#deps.secrets);
    const explicit = parseDefinition(job.definition).environment?.kubernetesNamespace ?? null;
    const namespace = environmentNamespace(config, project, environment.slug, explicit);
    const variables: JobVariable[] = [
      { key: 'KUBECONFIG', value: scriptKubeconfig(kubeConfig, namespace), file: true, masked: false },
      { key: 'KUBE_NAMESPACE', value: namespace, file: false, masked: false },
      {
        key: 'KUBE_URL',
        value: kubeConfig.getCurrentCluster()?.server ?? config.api_url,
        file: false,
        masked: false,
      },
    ];
    if ('token' in credentials)
      variables.push({ key: 'KUBE_TOKEN', value: credentials.token, file: false, masked: true });
    return variables;
  }
}
