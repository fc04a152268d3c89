import type { SftpTargetSettings } from '../api/host-target-types.ts';
import {
  type BodyMode,
  EMPTY_HOST_LOGIN_FORM,
  type HostLoginForm,
  hostLoginForm,
  hostLoginSettings,
  numberOrText,
} from './host-login-body.ts';

/** What the target form holds for an SFTP server, as typed (its port is the login's). */
export interface SftpTargetForm {
  host: string;
  remoteDir: string;
  /** Releases kept; empty for 5. */
  keepReleases: string;
  login: HostLoginForm;
}

export const EMPTY_SFTP_TARGET_FORM: SftpTargetForm = {
  host: '',
  remoteDir: '',
  keepReleases: '',
  login: EMPTY_HOST_LOGIN_FORM,
};

/** The `sftp` settings of a target body; blank optional fields left out for the API's defaults. */
export function sftpSettings(form: SftpTargetForm, mode: BodyMode): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    host: form.host.trim(),
    ...hostLoginSettings(form.login, mode),
    remote_dir: form.remoteDir.trim(),
  };
  if (form.keepReleases.trim() !== '') settings.keep_releases = numberOrText(form.keepReleases);
  return settings;
}

/** A stored SFTP target as the edit form starts from. */
export function sftpTargetForm(view: SftpTargetSettings): SftpTargetForm {
  return {
    host: view.host,
    remoteDir: view.remote_dir,
    keepReleases: String(view.keep_releases),
    login: { ...hostLoginForm(view), port: String(view.port) },
  };
}
