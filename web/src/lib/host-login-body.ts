import type { LoginAuth, RecordedHost } from '../api/host-target-types.ts';

/** How a target logs in to its hosts over SSH (SSH, SFTP and Ansible targets), as typed. */
export interface HostLoginForm {
  user: string;
  /** The default port of hosts given without one; empty for 22. */
  port: string;
  credential: LoginAuth;
  privateKey: string;
  password: string;
  /** known_hosts lines; empty to read the keys from the hosts when saved. */
  knownHosts: string;
  /** On edit: record the keys the hosts show now instead of refusing changed ones. */
  rescanHostKeys: boolean;
}

export const EMPTY_HOST_LOGIN_FORM: HostLoginForm = {
  user: '',
  port: '',
  credential: 'private_key',
  privateKey: '',
  password: '',
  knownHosts: '',
  rescanHostKeys: false,
};

/** Whether a body is for a new target or changes a stored one (whose secrets blank fields keep). */
export interface BodyMode {
  update: boolean;
}

/**
 * The login part of a target's settings: user and port, the chosen credential when typed (secrets
 * are write-only: blank keeps the stored one on update; a new one given on update removes the other
 * kind), known_hosts when given, and `rescan_host_keys` only when asked for on update.
 */
export function hostLoginSettings(form: HostLoginForm, { update }: BodyMode): Record<string, unknown> {
  const settings: Record<string, unknown> = { user: form.user.trim() };
  if (form.port.trim() !== '') settings.port = numberOrText(form.port);
  const [chosen, other, value] =
    form.credential === 'private_key'
      ? ([
          'private_key',
          'password',
          form.privateKey.trim() === '' ? '' : `${form.privateKey.trim()}\n`,
        ] as const)
      : (['password', 'private_key', form.password] as const);
  if (value !== '') {
    settings[chosen] = value;
    if (update) settings[other] = null;
  }
  if (form.knownHosts.trim() !== '') settings.known_hosts = `${form.knownHosts.trim()}\n`;
  if (update && form.rescanHostKeys) settings.rescan_host_keys = true;
  return settings;
}

/** A stored target's login as the edit form starts from: secrets and known_hosts blank (kept). */
export function hostLoginForm(view: { user: string; auth: LoginAuth[] }): HostLoginForm {
  return {
    ...EMPTY_HOST_LOGIN_FORM,
    user: view.user,
    credential: view.auth.includes('private_key') || view.auth.length === 0 ? 'private_key' : 'password',
  };
}

/** A host as it is typed: `host:port`, an IPv6 address in brackets (`[::1]:22`). */
export function hostAddress({ host, port }: Pick<RecordedHost, 'host' | 'port'>): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A whole number as a number (for the API to range-check), anything else as typed (for the API to name). */
export function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}
