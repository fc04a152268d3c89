/**
 * The shapes of the Podman resources the UI reads from `/api/v1` (docs/api.md, "Podman"): the live
 * view of an environment deployed to a Podman host.
 */

/** A port a container publishes on its host. */
export interface PodmanPort {
  host_ip: string;
  host_port: number;
  container_port: number;
}

export interface PodmanContainer {
  name: string;
  image: string;
  /** The digest of the image the container runs; null when Podman does not know it. */
  digest: string | null;
  /** Podman's state: created, running, exited, paused, stopped… */
  state: string;
  /** The health check's verdict (healthy, unhealthy, starting); null without a health check. */
  health: string | null;
  restarts: number;
  /** Set once the container exited. */
  exit_code: number | null;
  started_at: string | null;
  ports: PodmanPort[];
}

export interface PodmanPod {
  name: string;
  /** Podman's pod status: Running, Degraded, Exited, Created… */
  status: string;
  containers: PodmanContainer[];
}

/** `GET /projects/:id/environments/:environment_id/podman`; 404 when the target is not Podman. */
export interface PodmanLiveView {
  target: { id: number; name: string };
  pods: PodmanPod[];
}

/** A Podman target's settings as `GET /targets` shows them (`podman`); the SSH key never appears. */
export interface PodmanTargetSettings {
  /** The Podman service (`ssh://…` or `unix://…`); null for the Gantry server's own host. */
  url: string | null;
  runtime: string;
  cgroup_manager: string;
  ulimits: string[];
  publish_address: string;
  tls_verify: boolean;
  ssh_key_set: boolean;
  /** What the host reported when the target was last saved (its connectivity check). */
  version: string | null;
}
