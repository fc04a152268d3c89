import { createHash } from 'node:crypto';
import { refSlug } from './ref-slug.ts';

/** The default namespace template: the project's path slug and the environment's slug. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
export const DEFAULT_NAMESPACE_TEMPLATE = '${CI_PROJECT_PATH_SLUG}-${CI_ENVIRONMENT_SLUG}';

/** The variables a namespace template may use. */
export const NAMESPACE_TEMPLATE_VARIABLES = [
  'CI_PROJECT_ID',
  'CI_PROJECT_NAME',
  'CI_PROJECT_PATH_SLUG',
  'CI_ENVIRONMENT_SLUG',
] as const;

const MAX_NAMESPACE = 63;
const reference = /\$\{([A-Z_]+)\}|\$([A-Z_]+)/g;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why a namespace template cannot be used, or undefined when it can. */
export function namespaceTemplateProblem(template: string): string | undefined {
  if (template.trim() === '') return 'a namespace template may not be empty';
  if (template.length > 200) return 'a namespace template has at most 200 characters';
  for (const match of template.matchAll(reference)) {
    const name = match[1] ?? match[2]!;
    if (!(NAMESPACE_TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      return `a namespace template may use ${NAMESPACE_TEMPLATE_VARIABLES.map((v) => `\${${v}}`).join(', ')}; got \${${name}}`;
    }
  }
  const sample = template.replace(reference, 'x');
  if (!/^[a-z0-9-]+$/.test(sample)) {
    return 'a namespace template is lowercase letters, digits, - and variables such as $CI_ENVIRONMENT_SLUG';
  }
  return undefined;
}

/**
 * The namespace an environment deploys to: the template with its variables replaced, made a valid
 * DNS label (lowercase, `-` squeezed and trimmed). Names over 63 characters keep 56 and gain a
 * `-` and 6 hex digits of the full name's SHA-256, so two long names stay apart.
 */
export function renderNamespace(
  template: string,
  values: { projectId: number; projectPath: string; environmentSlug: string },
): string {
  const lookup: Record<string, string> = {
    CI_PROJECT_ID: String(values.projectId),
    CI_PROJECT_NAME: refSlug(values.projectPath.split('/').pop() ?? values.projectPath),
    CI_PROJECT_PATH_SLUG: refSlug(values.projectPath),
    CI_ENVIRONMENT_SLUG: values.environmentSlug,
  };
  const raw = template.replace(reference, (_, braced: string | undefined, bare: string | undefined) => {
    return lookup[braced ?? bare ?? ''] ?? '';
  });
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name.length <= MAX_NAMESPACE) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${name.slice(0, MAX_NAMESPACE - 7).replace(/-+$/, '')}-${digest}`;
}

/** Whether a namespace given explicitly (`environment:kubernetes:namespace`) is a valid name. */
export function isNamespaceName(name: string): boolean {
  return name.length <= MAX_NAMESPACE && dnsLabel.test(name);
}
