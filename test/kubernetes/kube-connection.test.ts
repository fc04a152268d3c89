import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import {
  kubeConfigFromSettings,
  kubeRequest,
  METADATA_ONLY,
} from '../../src/targets/kubernetes/kube-connection.ts';
import type { KubeObject } from '../../src/targets/kubernetes/kube-object.ts';
import { type KubeRigClient, kubeRigSuiteOptions, useKubeRig } from '../support/kube-rig.ts';

// How kubeRequest talks to a real API server: the connection it keeps and what it asks for.

describe('kubeRequest against the rig', kubeRigSuiteOptions(), () => {
  let rig: KubeRigClient;
  const connected: string[] = [];
  const onConnected = (message: unknown) => {
    const socket = (message as { socket?: Partial<TLSSocket> }).socket;
    connected.push(String(socket?.alpnProtocol));
  };

  before(async () => {
    rig = await useKubeRig();
    diagnostics.subscribe('undici:client:connected', onConnected);
  });
  after(() => diagnostics.unsubscribe('undici:client:connected', onConnected));

  test('the requests of one configuration share one HTTP/2 connection', async () => {
    const kubeConfig = kubeConfigFromSettings({ kubeconfig: readFileSync(rig.info.kubeconfigPath, 'utf8') });
    connected.length = 0;
    // As a deployment does: discovery first, then many requests in flight at once.
    await kubeRequest(kubeConfig, { method: 'GET', path: '/api' });
    await Promise.all(
      Array.from({ length: 24 }, () =>
        kubeRequest(kubeConfig, { method: 'GET', path: '/api/v1/namespaces/default' }),
      ),
    );
    assert.deepEqual(connected, ['h2']);
  });

  test('METADATA_ONLY answers with the object’s metadata alone', async () => {
    const kubeConfig = kubeConfigFromSettings({ kubeconfig: readFileSync(rig.info.kubeconfigPath, 'utf8') });
    const path = '/api/v1/namespaces/default';
    const full = await kubeRequest<KubeObject>(kubeConfig, { method: 'GET', path });
    const partial = await kubeRequest<KubeObject>(kubeConfig, { method: 'GET', path, accept: METADATA_ONLY });
    assert.equal(partial.body.kind, 'PartialObjectMetadata');
    assert.equal(partial.body.metadata.uid, full.body.metadata.uid);
    assert.ok(full.body.spec !== undefined && partial.body.spec === undefined);
  });
});
