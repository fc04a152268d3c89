import { GantryError } from '../../domain/errors.ts';
import type { KubeObject } from './kube-object.ts';
import { jobTemplateOf, type PodTemplate, podTemplateOf } from './pod-templates.ts';

/** What Gantry writes on every object it applies. */
export interface GantryIdentity {
  projectId: number;
  projectPath: string;
  environmentName: string;
  environmentSlug: string;
  deploymentId: number;
  /**
   * The version of the environment's secrets (a keyed digest), when Gantry applies them: written
   * on pod templates so that pods restart when the secrets change, and only then (a container
   * reads environment variables from a Secret when it starts).
   */
  secretsVersion?: string | null;
}

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PROJECT_LABEL = 'gantry.dev/project';
export const ENVIRONMENT_LABEL = 'gantry.dev/environment';
export const DEPLOYMENT_ANNOTATION = 'gantry.dev/deployment';
export const PROJECT_PATH_ANNOTATION = 'gantry.dev/project-path';
export const ENVIRONMENT_NAME_ANNOTATION = 'gantry.dev/environment-name';
export const SECRETS_VERSION_ANNOTATION = 'gantry.dev/secrets-version';

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * The labels marking an environment's objects and pods (`app.kubernetes.io/managed-by: gantry`,
 * `gantry.dev/project: <id>`, `gantry.dev/environment: <slug>`): also a label selector for them.
 * The project path and environment name are annotations instead: they may hold `/` or spaces,
 * which label values cannot.
 * @throws GantryError('validation_failed') when a value is no valid label value.
 */
export function gantryLabels(
  identity: Pick<GantryIdentity, 'projectId' | 'environmentSlug'>,
): Record<string, string> {
  const labels = {
    [MANAGED_BY_LABEL]: 'gantry',
    [PROJECT_LABEL]: String(identity.projectId),
    [ENVIRONMENT_LABEL]: identity.environmentSlug,
  };
  for (const [key, value] of Object.entries(labels)) {
    if (!LABEL_VALUE.test(value)) {
      throw new GantryError(
        'validation_failed',
        `label ${key} cannot be "${value}": a label value is at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit`,
      );
    }
  }
  return labels;
}

/**
 * Adds Gantry's labels ({@link gantryLabels}) and annotations (`gantry.dev/deployment`,
 * `gantry.dev/project-path`, `gantry.dev/environment-name`) to copies of every object, and the
 * labels only to pod templates (also a CronJob's job template), so pods and jobs can be found.
 *
 * Pod templates get none of these annotations: the deployment id changes on every deploy, and a
 * changed template restarts every pod even when nothing else changed. They get
 * `gantry.dev/secrets-version` when `secretsVersion` is given, which changes only with the secrets.
 * On a pod template, a label the manifest already sets is kept: a Service, a PodDisruptionBudget
 * or the workload's own immutable selector may select pods by it (a Helm chart's
 * `app.kubernetes.io/managed-by: Helm`) — except the project and environment labels, which are
 * always Gantry's. StatefulSet volumeClaimTemplates are left alone: the API
 * server refuses changes to them.
 */
export function addGantryMetadata(objects: readonly KubeObject[], identity: GantryIdentity): KubeObject[] {
  const labels = gantryLabels(identity);
  const annotations = {
    [DEPLOYMENT_ANNOTATION]: String(identity.deploymentId),
    [PROJECT_PATH_ANNOTATION]: identity.projectPath,
    [ENVIRONMENT_NAME_ANNOTATION]: identity.environmentName,
  };
  return objects.map((object) => {
    const copy = structuredClone(object);
    copy.metadata.labels = { ...copy.metadata.labels, ...labels };
    copy.metadata.annotations = { ...copy.metadata.annotations, ...annotations };
    addLabels(jobTemplateOf(copy), labels);
    const podTemplate = addLabels(podTemplateOf(copy), labels);
    if (podTemplate && identity.secretsVersion) {
      podTemplate.annotations = {
        ...podTemplate.annotations,
        [SECRETS_VERSION_ANNOTATION]: identity.secretsVersion,
      };
    }
    return copy;
  });
}

/**
 * Adds the labels a template does not set yet, and always sets the project and environment ones:
 * they decide whose logs, metrics and shells a pod belongs to, so a manifest must not claim
 * another environment's. Returns the template's metadata.
 */
function addLabels(template: Pick<PodTemplate, 'metadata'> | undefined, labels: Record<string, string>) {
  if (!template) return undefined;
  template.metadata ??= {};
  const owner = { [PROJECT_LABEL]: labels[PROJECT_LABEL]!, [ENVIRONMENT_LABEL]: labels[ENVIRONMENT_LABEL]! };
  template.metadata.labels = { ...labels, ...template.metadata.labels, ...owner };
  return template.metadata;
}
