import { EMPTY_PODMAN_TARGET_FORM, type PodmanTargetForm, podmanSettings } from './podman-target-body.ts';

/** What the "add target" form holds; every field is text as typed. */
export interface TargetForm {
  name: string;
  kind: 'kubernetes' | 'external' | 'podman';
  environmentScope: string;
  /** Kubernetes: how the credentials are given. */
  auth: 'kubeconfig' | 'token';
  kubeconfig: string;
  apiUrl: string;
  caPem: string;
  token: string;
  namespaceTemplate: string;
  /** External: where deployment webhooks go, and the secret signing them. */
  url: string;
  secret: string;
  /** Podman: the host and its settings. */
  podman: PodmanTargetForm;
}

export const EMPTY_TARGET_FORM: TargetForm = {
  name: '',
  kind: 'kubernetes',
  environmentScope: '*',
  auth: 'kubeconfig',
  kubeconfig: '',
  apiUrl: '',
  caPem: '',
  token: '',
  namespaceTemplate: '',
  url: '',
  secret: '',
  podman: EMPTY_PODMAN_TARGET_FORM,
};

/**
 * The `POST /targets` body for the form: only the fields of the chosen kind and credential style,
 * blank optional fields left out so the API applies its defaults (and names what is missing).
 * Pasted credentials are sent as pasted, only surrounding whitespace removed.
 */
export function targetBody(form: TargetForm): Record<string, unknown> {
  const given = (value: string) => value.trim() !== '';
  const body: Record<string, unknown> = { name: form.name.trim(), kind: form.kind };
  if (given(form.environmentScope)) body.environment_scope = form.environmentScope.trim();
  if (form.kind === 'external') {
    body.url = form.url.trim();
    if (given(form.secret)) body.secret = form.secret;
    return body;
  }
  if (form.kind === 'podman') {
    body.podman = podmanSettings(form.podman);
    return body;
  }
  const kubernetes: Record<string, string> = {};
  if (form.auth === 'kubeconfig') {
    if (given(form.kubeconfig)) kubernetes.kubeconfig = `${form.kubeconfig.trim()}\n`;
  } else {
    if (given(form.apiUrl)) kubernetes.api_url = form.apiUrl.trim();
    if (given(form.token)) kubernetes.token = form.token.trim();
    if (given(form.caPem)) kubernetes.ca_pem = `${form.caPem.trim()}\n`;
  }
  if (given(form.namespaceTemplate)) kubernetes.namespace_template = form.namespaceTemplate.trim();
  body.kubernetes = kubernetes;
  return body;
}
