import type { KubeObject } from '../kube-object.ts';
import { type HealthStatus, healthy, progressing } from './health-status.ts';

/** The fields of a Service that its health depends on. */
export interface ServiceObject extends KubeObject {
  spec?: { type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** A LoadBalancer Service is healthy once its load balancer has an address; any other type at once. */
export function serviceHealth(service: ServiceObject): HealthStatus {
  const type = service.spec?.type ?? 'ClusterIP';
  if (type !== 'LoadBalancer') return healthy(type);
  const addresses = (service.status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip ?? entry.hostname);
  if (addresses.length === 0) return progressing('waiting for a load balancer address');
  return healthy(`load balancer at ${addresses.join(', ')}`);
}
