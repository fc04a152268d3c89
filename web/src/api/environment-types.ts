import type { ApprovalState } from './approval-types.ts';
import type { Deployment, Environment } from './types.ts';

/** A container image a deployment ran: the reference applied and the digest it resolved to. */
export interface DeployedImage {
  container: string;
  image: string;
  digest: string | null;
}

/** What a deployment applied (`snapshot`): its kind, and the images of a target that runs them. */
export interface DeploymentSnapshotSummary {
  /** `script`, `kubernetes` and `podman` snapshots can be applied again; `external` ones cannot. */
  kind: 'script' | 'kubernetes' | 'podman' | 'external' | string;
  /** Kubernetes and Podman deployments: the images applied. */
  images?: DeployedImage[];
}

/** A deployment as `GET /projects/:id/deployments` shows it (docs/api.md, "Deployments"). */
export interface DeploymentRecord extends Deployment {
  tag: boolean;
  action: 'start' | 'stop' | string;
  environment: { id: number; name: string; slug: string };
  /** The job behind it; null for deployments recorded by external tools. */
  deployable: { id: number; name: string; status?: string } | null;
  pipeline_id: number | null;
  /** Id of the deployment whose snapshot this one applied again. */
  rollback_of: number | null;
  snapshot: DeploymentSnapshotSummary | null;
  external_state: string | null;
  /** Made by a rebuild: the deployed commit's pipeline run again, its images built afresh. */
  rebuild: boolean;
}

/** One environment as `GET /projects/:id/environments/:environment_id` shows it. */
export interface EnvironmentDetails extends Environment {
  last_deployment: DeploymentRecord | null;
  /** What runs there: the newest successful deployment. */
  last_successful_deployment: DeploymentRecord | null;
}

/** An entry of `GET /projects/:id/environments/folders`: an environment, or a folder of them. */
export interface EnvironmentFolderEntry {
  /** The environment's name, or the folder's (`review`). */
  name: string;
  folder: boolean;
  /** Environments in the folder; 1 for an environment. */
  size: number;
  /** The environment, or the folder's most recently updated one. */
  environment: Environment;
}

/** `POST /projects/:id/environments/:environment_id/deploy`: exactly one of ref, sha, pipeline_id. */
export interface DeployRequest {
  ref?: string;
  sha?: string;
  pipeline_id?: number;
  /** Also create an auto-deploy rule: later successful pipelines of the branch deploy here. */
  always?: boolean;
}

/** A held deployment lock (`GET /projects/:id/deployment_locks`). */
export interface DeploymentLock {
  /** `environment:<id>` or `resource_group:<project id>:<key>`. */
  key: string;
  acquired_at: string;
  holder: {
    job_id: number;
    job_name: string | null;
    job_status: string | null;
    deployment_id: number | null;
    runner_id: number | null;
    lease_expires_at: string | null;
  };
}

/** One decision on a deployment. */
export interface ApprovalRecord {
  id: number;
  user: { id: number; username: string; name: string };
  status: 'approved' | 'rejected';
  comment: string | null;
  created_at: string;
}

/** `GET /projects/:id/deployments/:deployment_id/approval_state`. */
export interface ApprovalStanding {
  deployment_id: number;
  approval_state: ApprovalState;
  approvals: ApprovalRecord[];
}

/** A workload of the Kubernetes live view (Deployment, StatefulSet, DaemonSet or Job). */
export interface KubernetesWorkload {
  kind: string;
  name: string;
  health: { status: 'healthy' | 'progressing' | 'degraded'; message: string };
  replicas: { desired: number; ready: number; updated: number; available: number } | null;
  job: { completions: number; active: number; succeeded: number; failed: number } | null;
  images: { container: string; image: string }[];
  created_at: string | null;
}

export interface KubernetesContainer {
  name: string;
  image: string;
  init: boolean;
  ready: boolean;
  restarts: number;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason: string | null;
  message: string | null;
}

export interface KubernetesPod {
  name: string;
  owner: { kind: string; name: string } | null;
  phase: string;
  ready: boolean;
  restarts: number;
  node: string | null;
  terminating: boolean;
  reason: string | null;
  message: string | null;
  containers: KubernetesContainer[];
  created_at: string | null;
}

/** `GET /projects/:id/environments/:environment_id/kubernetes`; nulls when not on Kubernetes. */
export interface KubernetesLiveView {
  deployment_id: number | null;
  namespace: string | null;
  workloads: KubernetesWorkload[];
  pods: KubernetesPod[];
}

export interface DriftObject {
  api_version: string;
  kind: string;
  name: string;
  namespace: string | null;
  state: 'in_sync' | 'modified' | 'missing';
  differences: { path: string; expected?: unknown; actual?: unknown }[];
  message: string | null;
}

/** `GET /projects/:id/environments/:environment_id/kubernetes/drift`. */
export interface KubernetesDrift {
  deployment_id: number | null;
  namespace: string | null;
  drifted: boolean;
  checked_at: string;
  objects: DriftObject[];
}
