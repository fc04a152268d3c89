import { apiGroupOf, type KubeObject, type ObjectRef } from '../kube-object.ts';
import { type DaemonSetObject, daemonSetHealth } from './daemon-set-health.ts';
import { type DeploymentObject, deploymentHealth } from './deployment-health.ts';
import { type HealthStatus, healthy } from './health-status.ts';
import { type JobObject, jobHealth } from './job-health.ts';
import {
  type PersistentVolumeClaimObject,
  persistentVolumeClaimHealth,
} from './persistent-volume-claim-health.ts';
import { type ServiceObject, serviceHealth } from './service-health.ts';
import { type StatefulSetObject, statefulSetHealth } from './stateful-set-health.ts';

// Keyed by API group and kind, so a custom resource that happens to be called `Deployment` is not
// judged by the rules of `apps/v1`.
const rules: Record<string, (object: KubeObject) => HealthStatus> = {
  'apps/Deployment': (object) => deploymentHealth(object as DeploymentObject),
  'apps/StatefulSet': (object) => statefulSetHealth(object as StatefulSetObject),
  'apps/DaemonSet': (object) => daemonSetHealth(object as DaemonSetObject),
  'batch/Job': (object) => jobHealth(object as JobObject),
  '/PersistentVolumeClaim': (object) => persistentVolumeClaimHealth(object as PersistentVolumeClaimObject),
  '/Service': (object) => serviceHealth(object as ServiceObject),
};

function ruleKey(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): string {
  return `${apiGroupOf(ref.apiVersion)}/${ref.kind}`;
}

/** Whether objects of this kind have a health rule, i.e. whether a rollout waits for them. */
export function hasHealthRule(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): boolean {
  return ruleKey(ref) in rules;
}

/**
 * The health of any object: Deployments, StatefulSets, DaemonSets, Jobs, PersistentVolumeClaims and
 * Services by their own rules; every other kind is healthy as soon as it exists.
 */
export function objectHealth(object: KubeObject): HealthStatus {
  const rule = rules[ruleKey(object)];
  return rule ? rule(object) : healthy('exists');
}
