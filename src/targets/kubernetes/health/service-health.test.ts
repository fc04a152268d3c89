import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthStatus } from './health-status.ts';
import { type ServiceObject, serviceHealth } from './service-health.ts';

type Spec = NonNullable<ServiceObject['spec']>;
type Status = NonNullable<ServiceObject['status']>;

// [what, spec, status, expected]
const table: Array<[string, Spec, Status, HealthStatus]> = [
  ['ClusterIP', { type: 'ClusterIP' }, {}, { status: 'healthy', message: 'ClusterIP' }],
  ['type left to its default', {}, {}, { status: 'healthy', message: 'ClusterIP' }],
  ['NodePort', { type: 'NodePort' }, {}, { status: 'healthy', message: 'NodePort' }],
  ['ExternalName', { type: 'ExternalName' }, {}, { status: 'healthy', message: 'ExternalName' }],
  [
    'LoadBalancer without an address',
    { type: 'LoadBalancer' },
    { loadBalancer: {} },
    { status: 'progressing', message: 'waiting for a load balancer address' },
  ],
  [
    'LoadBalancer with an empty ingress list',
    { type: 'LoadBalancer' },
    { loadBalancer: { ingress: [] } },
    { status: 'progressing', message: 'waiting for a load balancer address' },
  ],
  [
    'LoadBalancer with addresses',
    { type: 'LoadBalancer' },
    { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { hostname: 'lb.example.com' }] } },
    { status: 'healthy', message: 'load balancer at 192.0.2.10, lb.example.com' },
  ],
];

for (const [what, spec, status, expected] of table) {
  test(`Service health: ${what}`, () => {
    const service: ServiceObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec,
      status,
    };
    assert.deepEqual(serviceHealth(service), expected);
  });
}
