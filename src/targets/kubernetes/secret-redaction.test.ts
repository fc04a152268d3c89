import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import type { KubeObject } from './kube-object.ts';
import { REDACTED_PREFIX, redactSecrets, restoreSecrets } from './secret-redaction.ts';

const digest = (value: string) => createHmac('sha256', 'test key').update(value).digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const ref = (text: string) => `${REDACTED_PREFIX}${digest(b64(text))}`;

const secret = (name: string, fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'shop' },
  type: 'Opaque',
  ...fields,
});
const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'shop' },
  data: { a: 'b' },
};
const lookalike: KubeObject = {
  apiVersion: 'example.com/v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'shop' },
  data: { a: 'b' },
};

test('Secret values become keyed references under data; the values come back apart, base64', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, string>, Record<string, string>]> = [
    [
      'data',
      { data: { password: b64('hunter2') } },
      { password: ref('hunter2') },
      { password: b64('hunter2') },
    ],
    [
      'stringData wins over data',
      { data: { user: b64('old'), token: b64('t') }, stringData: { user: 'admin' } },
      { user: ref('admin'), token: ref('t') },
      { user: b64('admin'), token: b64('t') },
    ],
    ['empty', {}, {}, {}],
  ];
  for (const [name, fields, data, values] of cases) {
    const input = secret('db', fields);
    const before = structuredClone(input);
    const { redacted, values: taken } = redactSecrets([input], digest);
    assert.deepEqual(redacted, [{ ...secret('db', {}), data }], name);
    assert.deepEqual(taken, { '|Secret|shop|db': values }, name);
    assert.deepEqual(input, before, `${name}: the input is left as it was`);
    assert.ok(
      !JSON.stringify(redacted).includes('hunter2') && !JSON.stringify(redacted).includes(b64('hunter2')),
    );
  }
});

test('other objects pass through untouched, a custom Secret kind included', () => {
  const { redacted, values } = redactSecrets([configMap, lookalike], digest);
  assert.equal(redacted[0], configMap);
  assert.equal(redacted[1], lookalike);
  assert.deepEqual(values, {});
});

test('restoreSecrets gives back applicable Secrets', () => {
  const objects = [
    configMap,
    secret('db', { data: { password: b64('hunter2') }, stringData: { user: 'admin' } }),
    secret('tls', { data: { 'tls.crt': b64('cert') } }),
  ];
  const { redacted, values } = redactSecrets(objects, digest);
  const restored = restoreSecrets(redacted, values);
  assert.deepEqual(restored, [
    configMap,
    secret('db', { data: { password: b64('hunter2'), user: b64('admin') } }),
    secret('tls', { data: { 'tls.crt': b64('cert') } }),
  ]);
  assert.throws(() => restoreSecrets(redacted, { '|Secret|shop|db': { password: b64('x') } }), {
    message: 'the stored values of Secret shop/db lack its key user',
  });
  assert.throws(() => restoreSecrets(redacted, {}), {
    message: /^the stored values of Secret shop\/db lack its key /,
  });
});

test('values that are not strings are refused without showing them', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [
      { stringData: { pin: 1234 } },
      'Secret shop/db: stringData.pin must be a string, got a number; quote it in the YAML',
    ],
    [{ data: { on: true } }, 'Secret shop/db: data.on must be a string, got a boolean; quote it in the YAML'],
    [
      { data: { empty: null } },
      'Secret shop/db: data.empty must be a string, got null; quote it in the YAML',
    ],
    [{ data: ['a'] }, 'Secret shop/db: data must be a mapping of keys to strings'],
  ];
  for (const [fields, message] of cases) {
    assert.throws(() => redactSecrets([secret('db', fields)], digest), {
      code: 'validation_failed',
      message,
    });
  }
});
