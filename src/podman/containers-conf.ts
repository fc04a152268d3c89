import { DEFAULT_PODMAN_ULIMITS } from '../runner/executor/podman-executor.ts';

/**
 * What a host's Podman needs to run containers at all. On the VMs Gantry is tested on the defaults
 * fail (crun and podman's default rlimits need CAP_SYS_RESOURCE; cgroups are hybrid), so Gantry's
 * defaults are runc, cgroupfs and {@link DEFAULT_PODMAN_ULIMITS}; an empty string or list leaves
 * podman's own choice.
 */
export interface PodmanHostSettings {
  /** OCI runtime; default `runc`. */
  runtime?: string;
  /** `cgroupfs` or `systemd`; default `cgroupfs`. */
  cgroupManager?: string;
  /** Default rlimits of every container, as `--ulimit` takes them (`nofile=1024:1024`). */
  ulimits?: readonly string[];
}

/** TOML basic string (JSON's escapes are TOML's for the characters these values hold). */
const tomlString = (value: string) => JSON.stringify(value);

/**
 * A `containers.conf` carrying {@link PodmanHostSettings}, for `CONTAINERS_CONF`: podman, buildah and
 * `podman kube play` all read it, so builds in jobs and deployments need no per-command flags (Podman
 * 4.3 has no flag for kube play's rlimits).
 */
export function containersConf(settings: PodmanHostSettings = {}): string {
  const runtime = settings.runtime ?? 'runc';
  const cgroupManager = settings.cgroupManager ?? 'cgroupfs';
  const ulimits = settings.ulimits ?? DEFAULT_PODMAN_ULIMITS;
  const lines = ['# Written by Gantry (podman host settings).', '[containers]'];
  if (ulimits.length > 0) lines.push(`default_ulimits = [${ulimits.map(tomlString).join(', ')}]`);
  lines.push('[engine]');
  if (runtime !== '') lines.push(`runtime = ${tomlString(runtime)}`);
  if (cgroupManager !== '') lines.push(`cgroup_manager = ${tomlString(cgroupManager)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A `registries.conf` (v2) for `CONTAINERS_REGISTRIES_CONF` marking `hosts` (`host:port`) as plain-HTTP
 * registries, as Gantry's own registry is when Gantry itself listens on http:// — so `podman push` and
 * `podman kube play` reach it without `--tls-verify=false` in every script. Short names are not
 * resolved (no search registries): images are named in full.
 */
export function registriesConf(insecureHosts: readonly string[]): string {
  const lines = ['# Written by Gantry (its registry).', 'unqualified-search-registries = []'];
  for (const host of insecureHosts)
    lines.push('', '[[registry]]', `location = ${tomlString(host)}`, 'insecure = true');
  return `${lines.join('\n')}\n`;
}
