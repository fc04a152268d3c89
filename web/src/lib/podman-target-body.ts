import { parseWordList } from './word-list.ts';

/** What the "add target" form holds for a Podman host, as typed. */
export interface PodmanTargetForm {
  /** `local`: the Gantry server's own host; `remote`: a Podman service at `url`. */
  host: 'local' | 'remote';
  /** `ssh://user@host/run/podman/podman.sock` or `unix:///path/podman.sock`. */
  url: string;
  /** The SSH private key of an `ssh://` URL. */
  sshKey: string;
  runtime: string;
  /** `cgroupfs`, `systemd`, or empty for Podman's own choice. */
  cgroupManager: string;
  /** Rlimits (`nofile=1024:1024`), comma- or space-separated; empty for Gantry's defaults. */
  ulimits: string;
  publishAddress: string;
  tlsVerify: boolean;
}

export const EMPTY_PODMAN_TARGET_FORM: PodmanTargetForm = {
  host: 'local',
  url: '',
  sshKey: '',
  runtime: '',
  cgroupManager: 'cgroupfs',
  ulimits: '',
  publishAddress: '',
  tlsVerify: true,
};

/**
 * The `podman` settings of a `POST /targets` body: the URL and key only for a remote host, blank
 * fields left out so the API applies its defaults (runc, Gantry's rlimits, 127.0.0.1). The cgroup
 * manager is always sent: empty is a choice of its own (Podman decides).
 */
export function podmanSettings(form: PodmanTargetForm): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (form.host === 'remote') {
    settings.url = form.url.trim();
    if (form.sshKey.trim() !== '') settings.ssh_key = `${form.sshKey.trim()}\n`;
  }
  if (form.runtime.trim() !== '') settings.runtime = form.runtime.trim();
  settings.cgroup_manager = form.cgroupManager;
  const ulimits = parseWordList(form.ulimits);
  if (ulimits.length > 0) settings.ulimits = ulimits;
  if (form.publishAddress.trim() !== '') settings.publish_address = form.publishAddress.trim();
  settings.tls_verify = form.tlsVerify;
  return settings;
}

/** Where a Podman target's containers run, in words: its URL, or the Gantry server's own host. */
export function podmanHostText(podman: { url: string | null }): string {
  return podman.url ?? "this Gantry server's host";
}
