import { readFileSync } from 'node:fs';
import { kubeConfigFromSettings, kubeRequest } from './kube-connection.ts';
import { applyObjects } from './applier.ts';
import { deleteObjects } from './prune.ts';
const info = JSON.parse(readFileSync('/tmp/hb-rig.json', 'utf8'));
const kc = kubeConfigFromSettings({ kubeconfig: readFileSync(info.kubeconfigPath, 'utf8') });
const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.probe.example.com' }, spec: { group: 'probe.example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }] } };
const w = { apiVersion: 'probe.example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'probe-b' }, spec: { size: 3 } };
const progress = (ref: any, r: string) => console.log('  ', ref.kind, ref.namespace, ref.name, r);
let t = performance.now();
const out = await applyObjects({ kubeConfig: kc, steps: [[crd], [w]], onProgress: progress });
console.log('crd+cr', performance.now() - t, out.map((o) => o.kind + ' ' + o.metadata.resourceVersion));
await applyObjects({ kubeConfig: kc, steps: [[crd], [w]], onProgress: progress });
try { await applyObjects({ kubeConfig: kc, steps: [[{ ...w, apiVersion: 'nope.example.com/v1' }]] }); } catch (e) { console.log((e as Error).message); }
await deleteObjects(kc, [{ apiVersion: 'probe.example.com/v1', kind: 'Widget', namespace: 'probe-b', name: 'w1' }, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'widgets.probe.example.com' }, { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'probe-b', name: 'nothere' }], { onProgress: (r, x) => console.log('del', r.kind, r.name, x) });
