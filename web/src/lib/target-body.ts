import type { Target } from '../api/settings-types.ts';
import {
  type AnsibleTargetForm,
  ansibleSettings,
  ansibleTargetForm,
  EMPTY_ANSIBLE_TARGET_FORM,
} from './ansible-target-body.ts';
import type { BodyMode } from './host-login-body.ts';
import {
  EMPTY_MAVEN_TARGET_FORM,
  type MavenTargetForm,
  mavenSettings,
  mavenTargetForm,
} from './maven-target-body.ts';
import { EMPTY_PODMAN_TARGET_FORM, type PodmanTargetForm, podmanSettings } from './podman-target-body.ts';
import { EMPTY_S3_TARGET_FORM, type S3TargetForm, s3Settings, s3TargetForm } from './s3-target-body.ts';
import {
  EMPTY_SFTP_TARGET_FORM,
  type SftpTargetForm,
  sftpSettings,
  sftpTargetForm,
} from './sftp-target-body.ts';
import { EMPTY_SSH_TARGET_FORM, type SshTargetForm, sshSettings, sshTargetForm } from './ssh-target-body.ts';

/** The target kinds whose settings the edit dialog changes (hosts, buckets, repositories). */
export const EDITABLE_KINDS = ['ssh', 'sftp', 's3', 'maven', 'ansible'] as const;
export type EditableKind = (typeof EDITABLE_KINDS)[number];

/** What the "add target" form holds; every field is text as typed. */
export interface TargetForm {
  name: string;
  kind: 'kubernetes' | 'external' | 'podman' | EditableKind;
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
  ssh: SshTargetForm;
  sftp: SftpTargetForm;
  s3: S3TargetForm;
  maven: MavenTargetForm;
  ansible: AnsibleTargetForm;
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
  ssh: EMPTY_SSH_TARGET_FORM,
  sftp: EMPTY_SFTP_TARGET_FORM,
  s3: EMPTY_S3_TARGET_FORM,
  maven: EMPTY_MAVEN_TARGET_FORM,
  ansible: EMPTY_ANSIBLE_TARGET_FORM,
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
  if (isEditableKind(form.kind)) {
    body[form.kind] = kindSettings(form, form.kind, { update: false });
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

/** Whether a kind's targets are changed with the edit dialog. */
export function isEditableKind(kind: string): kind is EditableKind {
  return (EDITABLE_KINDS as readonly string[]).includes(kind);
}

function kindSettings(form: TargetForm, kind: EditableKind, mode: BodyMode): Record<string, unknown> {
  switch (kind) {
    case 'ssh':
      return sshSettings(form.ssh, mode);
    case 'sftp':
      return sftpSettings(form.sftp, mode);
    case 'ansible':
      return ansibleSettings(form.ansible, mode);
    case 's3':
      return s3Settings(form.s3);
    case 'maven':
      return mavenSettings(form.maven);
  }
}

/**
 * The `PUT /targets/:id` body of the edit dialog: name, scope and the kind's settings (the kind is
 * fixed). Blank secrets and known_hosts are left out, so the stored ones are kept.
 */
export function targetChanges(form: TargetForm & { kind: EditableKind }): Record<string, unknown> {
  return {
    name: form.name.trim(),
    environment_scope: form.environmentScope.trim(),
    [form.kind]: kindSettings(form, form.kind, { update: true }),
  };
}

/** The edit dialog's starting values for a target of an editable kind; undefined for the others. */
export function editTargetForm(target: Target): (TargetForm & { kind: EditableKind }) | undefined {
  const base = { ...EMPTY_TARGET_FORM, name: target.name, environmentScope: target.environment_scope };
  if (target.ssh) return { ...base, kind: 'ssh', ssh: sshTargetForm(target.ssh) };
  if (target.sftp) return { ...base, kind: 'sftp', sftp: sftpTargetForm(target.sftp) };
  if (target.s3) return { ...base, kind: 's3', s3: s3TargetForm(target.s3) };
  if (target.maven) return { ...base, kind: 'maven', maven: mavenTargetForm(target.maven) };
  if (target.ansible) return { ...base, kind: 'ansible', ansible: ansibleTargetForm(target.ansible) };
  return undefined;
}
