import { Type } from 'typebox';
import type { Target } from '../services/target-service.ts';

const Timestamp = Type.String({ format: 'date-time' });

/** A target; the secret is write-only and never appears. `project_id` is null for instance targets. */
export const TargetView = Type.Object({
  id: Type.Integer(),
  project_id: Type.Union([Type.Integer(), Type.Null()]),
  name: Type.String(),
  kind: Type.String(),
  environment_scope: Type.String(),
  url: Type.Union([Type.String(), Type.Null()]),
  kubernetes: Type.Union(
    [
      Type.Object({
        api_url: Type.String(),
        auth: Type.String({ description: 'kubeconfig or token (neither is ever shown)' }),
        namespace_template: Type.String(),
        server_version: Type.Union([Type.String(), Type.Null()], {
          description: 'what the cluster reported at the last save',
        }),
      }),
      Type.Null(),
    ],
    { description: 'kubernetes targets: how the cluster is reached' },
  ),
  podman: Type.Union(
    [
      Type.Object({
        url: Type.Union([Type.String(), Type.Null()], {
          description: "the Podman service (ssh:// or unix://); null for the Gantry server's host",
        }),
        runtime: Type.String(),
        cgroup_manager: Type.String(),
        ulimits: Type.Array(Type.String()),
        publish_address: Type.String(),
        tls_verify: Type.Boolean(),
        ssh_key_set: Type.Boolean({ description: 'whether an SSH key is stored (it is never shown)' }),
        version: Type.Union([Type.String(), Type.Null()], {
          description: "the host's Podman version at the last save",
        }),
      }),
      Type.Null(),
    ],
    { description: 'podman targets: the host and its settings' },
  ),
  ssh: Type.Union(
    [
      Type.Object({
        hosts: Type.Array(
          Type.Object({
            host: Type.String(),
            port: Type.Integer(),
            known_hosts: Type.String({ description: 'the key lines recorded for the host' }),
            fingerprints: Type.Array(Type.String()),
          }),
        ),
        user: Type.String(),
        deploy_to: Type.String(),
        parallelism: Type.Integer(),
        keep_releases: Type.Integer(),
        auth: Type.Array(Type.String(), {
          description: 'which of private_key and password are set (never shown)',
        }),
      }),
      Type.Null(),
    ],
    { description: 'ssh targets: the hosts and release settings' },
  ),
  sftp: Type.Union(
    [
      Type.Object({
        host: Type.String(),
        port: Type.Integer(),
        user: Type.String(),
        remote_dir: Type.String(),
        keep_releases: Type.Integer(),
        known_hosts: Type.String(),
        fingerprints: Type.Array(Type.String()),
        auth: Type.Array(Type.String()),
        mode: Type.Union([Type.String(), Type.Null()], {
          description:
            'release (atomic switch) or sync (plain copy): what the server allowed at the last save',
        }),
      }),
      Type.Null(),
    ],
    { description: 'sftp targets: the server and directory' },
  ),
  s3: Type.Union(
    [
      Type.Object({
        bucket: Type.String(),
        prefix: Type.String(),
        region: Type.String(),
        endpoint: Type.Union([Type.String(), Type.Null()]),
        force_path_style: Type.Boolean(),
        versioning: Type.String({ description: 'prefix or bucket' }),
        access_key_id: Type.String(),
        secret_set: Type.Boolean({ description: 'whether the secret key is stored (it is never shown)' }),
      }),
      Type.Null(),
    ],
    { description: 's3 targets: the bucket and how rollbacks find old files' },
  ),
  maven: Type.Union(
    [
      Type.Object({
        url: Type.String(),
        username: Type.Union([Type.String(), Type.Null()]),
        password_set: Type.Boolean({ description: 'whether a password is stored (it is never shown)' }),
      }),
      Type.Null(),
    ],
    { description: 'maven targets: the repository' },
  ),
  ansible: Type.Union(
    [
      Type.Object({
        hosts: Type.Array(
          Type.Object({
            name: Type.String(),
            host: Type.String(),
            port: Type.Integer(),
            known_hosts: Type.String(),
            fingerprints: Type.Array(Type.String()),
          }),
        ),
        groups: Type.Record(Type.String(), Type.Array(Type.String())),
        user: Type.String(),
        auth: Type.Array(Type.String()),
      }),
      Type.Null(),
    ],
    { description: 'ansible targets: the inventory' },
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const targetView = (target: Target) => ({
  id: target.id,
  project_id: target.project_id,
  name: target.name,
  kind: target.kind,
  environment_scope: target.environment_scope,
  url: target.url,
  kubernetes: target.kubernetes,
  podman: target.podman,
  ssh: target.ssh,
  sftp: target.sftp,
  s3: target.s3,
  maven: target.maven,
  ansible: target.ansible,
  created_at: target.created_at,
  updated_at: target.updated_at,
});
