import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENVIRONMENT_SECRET_NAME, environmentSecretObject } from './environment-secret-object.ts';

test('no secrets, no Secret', () => {
  assert.equal(environmentSecretObject({}, 'shop-production'), undefined);
});

test('values become base64 data of one Secret in the namespace, keys sorted', () => {
  const secret = environmentSecretObject({ TOKEN: 'tök', DB_URL: 'postgres://x' }, 'shop-production');
  assert.deepEqual(secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: ENVIRONMENT_SECRET_NAME, namespace: 'shop-production' },
    data: {
      DB_URL: Buffer.from('postgres://x').toString('base64'),
      TOKEN: Buffer.from('tök').toString('base64'),
    },
  });
  assert.deepEqual(Object.keys(secret!.data as object), ['DB_URL', 'TOKEN']);
});
