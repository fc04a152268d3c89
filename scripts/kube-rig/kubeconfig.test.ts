import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeconfigYaml, RIG_CONTEXT } from './kubeconfig.ts';

const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';

function load(yaml: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(yaml);
  return config;
}

describe('kubeconfigYaml', () => {
  test('embeds the CA and a client certificate', () => {
    const config = load(
      kubeconfigYaml({
        server: 'https://127.0.0.1:6443',
        caPem: CA,
        credentials: { certPem: 'cert', keyPem: 'key' },
      }),
    );
    assert.equal(config.getCurrentContext(), RIG_CONTEXT);
    assert.equal(config.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    assert.equal(Buffer.from(config.getCurrentCluster()?.caData ?? '', 'base64').toString(), CA);
    assert.equal(Buffer.from(config.getCurrentUser()?.certData ?? '', 'base64').toString(), 'cert');
    assert.equal(Buffer.from(config.getCurrentUser()?.keyData ?? '', 'base64').toString(), 'key');
  });

  test('holds a token and a namespace', () => {
    const config = load(
      kubeconfigYaml({
        server: 'https://127.0.0.1:6443',
        caPem: CA,
        credentials: { token: 't0ken' },
        namespace: 'shop',
      }),
    );
    assert.equal(config.getCurrentUser()?.token, 't0ken');
    assert.equal(config.getContextObject(RIG_CONTEXT)?.namespace, 'shop');
  });
});
