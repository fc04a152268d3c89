import type { SshTargetSettings } from '../api/host-target-types.ts';
import {
  type BodyMode,
  EMPTY_HOST_LOGIN_FORM,
  type HostLoginForm,
  hostAddress,
  hostLoginForm,
  hostLoginSettings,
  numberOrText,
} from './host-login-body.ts';
import { parseWordList } from './word-list.ts';

/** What the target form holds for SSH hosts, as typed. */
export interface SshTargetForm {
  /** `host`, `host:port` or `[v6]:port`, one per line or comma-separated. */
  hosts: string;
  deployTo: string;
  /** Hosts switched at once; empty for 1 (one at a time). */
  parallelism: string;
  /** Releases kept on each host; empty for 5. */
  keepReleases: string;
  login: HostLoginForm;
}

export const EMPTY_SSH_TARGET_FORM: SshTargetForm = {
  hosts: '',
  deployTo: '',
  parallelism: '',
  keepReleases: '',
  login: EMPTY_HOST_LOGIN_FORM,
};

/** The `ssh` settings of a target body; blank optional fields left out for the API's defaults. */
export function sshSettings(form: SshTargetForm, mode: BodyMode): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    hosts: parseWordList(form.hosts),
    ...hostLoginSettings(form.login, mode),
    deploy_to: form.deployTo.trim(),
  };
  if (form.parallelism.trim() !== '') settings.parallelism = numberOrText(form.parallelism);
  if (form.keepReleases.trim() !== '') settings.keep_releases = numberOrText(form.keepReleases);
  return settings;
}

/** A stored SSH target as the edit form starts from (each host with its port spelled out). */
export function sshTargetForm(view: SshTargetSettings): SshTargetForm {
  return {
    hosts: view.hosts.map(hostAddress).join('\n'),
    deployTo: view.deploy_to,
    parallelism: String(view.parallelism),
    keepReleases: String(view.keep_releases),
    login: hostLoginForm(view),
  };
}
