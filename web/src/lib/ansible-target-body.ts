import type { AnsibleTargetSettings } from '../api/host-target-types.ts';
import {
  type BodyMode,
  EMPTY_HOST_LOGIN_FORM,
  type HostLoginForm,
  hostAddress,
  hostLoginForm,
  hostLoginSettings,
} from './host-login-body.ts';
import { parseWordList } from './word-list.ts';

/** What the target form holds for an Ansible inventory, as typed. */
export interface AnsibleTargetForm {
  /** `host[:port]` or `name=host[:port]`, one per line or comma-separated. */
  hosts: string;
  login: HostLoginForm;
}

export const EMPTY_ANSIBLE_TARGET_FORM: AnsibleTargetForm = { hosts: '', login: EMPTY_HOST_LOGIN_FORM };

/** The `ansible` settings of a target body. */
export function ansibleSettings(form: AnsibleTargetForm, mode: BodyMode): Record<string, unknown> {
  return { hosts: parseWordList(form.hosts), ...hostLoginSettings(form.login, mode) };
}

/** A host of the inventory as typed: `name=host:port`, the name left out when it is the address. */
export function inventoryEntry(host: { name: string; host: string; port: number }): string {
  const address = hostAddress(host);
  return host.name === host.host || host.name === address ? address : `${host.name}=${address}`;
}

/** A stored Ansible target as the edit form starts from. */
export function ansibleTargetForm(view: AnsibleTargetSettings): AnsibleTargetForm {
  return { hosts: view.hosts.map(inventoryEntry).join('\n'), login: hostLoginForm(view) };
}
