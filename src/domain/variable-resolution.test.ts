import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ResolutionInput, resolveVariables, type ScopedVariable } from './variable-resolution.ts';

/** `KEY=value` with options: `p` protected, `m` masked, `r` raw, `f` file, and `@scope`. */
function v(spec: string, flags = '', scope = '*'): ScopedVariable {
  const [key, value] = spec.split('=') as [string, string];
  return {
    key,
    value,
    variableType: flags.includes('f') ? 'file' : 'env_var',
    protected: flags.includes('p'),
    masked: flags.includes('m'),
    raw: flags.includes('r'),
    environmentScope: scope,
  };
}

const instance = [
  v('REGISTRY=registry.example.com'),
  v('SHARED=from-instance'),
  v('ROOT_TOKEN=inst-secret', 'p'),
];
const project = [
  v('SHARED=from-project'),
  v('DEPLOY_KEY=unprotected-key'),
  v('DEPLOY_KEY=prod-key', 'p', 'production'),
  v('DEPLOY_KEY=review-key', '', 'review/*'),
  v('DEPLOY_KEY=review-app-key', '', 'review/app-*'),
  v('DB_URL=postgres://default', '', '*'),
  v('DB_URL=postgres://staging', '', 'staging'),
  v('KUBECONFIG=apiVersion: v1', 'f'),
  v('PROD_ONLY=p', '', 'production'),
  v('SIGNING=s3cr3t-value', 'pm'),
];

// [case, protected ref?, environment, expected KEY=value list in order]
const cases: Array<[string, boolean, string | null, string[]]> = [
  [
    'unprotected branch, no environment: only * scopes, no protected variables',
    false,
    null,
    [
      'REGISTRY=registry.example.com',
      'DB_URL=postgres://default',
      'DEPLOY_KEY=unprotected-key',
      'KUBECONFIG=apiVersion: v1',
      'SHARED=from-project',
    ],
  ],
  [
    'protected branch, no environment: protected variables join',
    true,
    null,
    [
      'REGISTRY=registry.example.com',
      'ROOT_TOKEN=inst-secret',
      'DB_URL=postgres://default',
      'DEPLOY_KEY=unprotected-key',
      'KUBECONFIG=apiVersion: v1',
      'SHARED=from-project',
      'SIGNING=s3cr3t-value',
    ],
  ],
  [
    'protected branch, production: the exact scope wins over *',
    true,
    'production',
    [
      'REGISTRY=registry.example.com',
      'ROOT_TOKEN=inst-secret',
      'DB_URL=postgres://default',
      'DEPLOY_KEY=prod-key',
      'KUBECONFIG=apiVersion: v1',
      'PROD_ONLY=p',
      'SHARED=from-project',
      'SIGNING=s3cr3t-value',
    ],
  ],
  [
    'unprotected branch, production: the protected production key falls back to *',
    false,
    'production',
    [
      'REGISTRY=registry.example.com',
      'DB_URL=postgres://default',
      'DEPLOY_KEY=unprotected-key',
      'KUBECONFIG=apiVersion: v1',
      'PROD_ONLY=p',
      'SHARED=from-project',
    ],
  ],
  [
    'review/app-7: the longer wildcard wins',
    false,
    'review/app-7',
    [
      'REGISTRY=registry.example.com',
      'DB_URL=postgres://default',
      'DEPLOY_KEY=review-app-key',
      'KUBECONFIG=apiVersion: v1',
      'SHARED=from-project',
    ],
  ],
  [
    'review/other: the shorter wildcard applies',
    false,
    'review/other',
    [
      'REGISTRY=registry.example.com',
      'DB_URL=postgres://default',
      'DEPLOY_KEY=review-key',
      'KUBECONFIG=apiVersion: v1',
      'SHARED=from-project',
    ],
  ],
  [
    'staging: exact scope for DB_URL',
    false,
    'staging',
    [
      'REGISTRY=registry.example.com',
      'DB_URL=postgres://staging',
      'DEPLOY_KEY=unprotected-key',
      'KUBECONFIG=apiVersion: v1',
      'SHARED=from-project',
    ],
  ],
];

for (const [name, protectedRef, environmentName, expected] of cases) {
  test(name, () => {
    const input: ResolutionInput = { instance, project, protectedRef, environmentName };
    assert.deepEqual(
      resolveVariables(input).map((r) => `${r.key}=${r.value}`),
      expected,
    );
  });
}

test('the order of stored rows does not change the result', () => {
  const input = {
    instance,
    project: [...project].reverse(),
    protectedRef: true,
    environmentName: 'review/app-1',
  };
  assert.deepEqual(resolveVariables(input), resolveVariables({ ...input, project }));
});

test('flags pass through: file, masked, raw', () => {
  const resolved = resolveVariables({
    instance: [],
    project: [v('K=apiVersion: v1', 'f'), v('M=abcdefgh$', 'pmr')],
    protectedRef: true,
    environmentName: null,
  });
  assert.deepEqual(resolved, [
    { key: 'K', value: 'apiVersion: v1', file: true, masked: false, raw: false },
    { key: 'M', value: 'abcdefgh$', file: false, masked: true, raw: true },
  ]);
});

test('a filtered-out project variable does not hide the instance variable of the same key', () => {
  const resolved = resolveVariables({
    instance: [v('TOKEN=instance-value')],
    project: [v('TOKEN=project-value', 'p')],
    protectedRef: false,
    environmentName: null,
  });
  assert.deepEqual(
    resolved.map((r) => r.value),
    ['instance-value'],
  );
});
