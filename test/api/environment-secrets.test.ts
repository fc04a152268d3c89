import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_SECRET_VALUE_BYTES } from '../../src/domain/environment-secret.ts';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { loadOrCreateKeyFile } from '../../src/secrets/secret-key-source.ts';
import { AuditLog } from '../../src/services/audit-log.ts';
import { EnvironmentSecretService } from '../../src/services/environment-secret-service.ts';
import { ProjectAccess } from '../../src/services/project-access.ts';
import { ProjectRoleCheck } from '../../src/services/project-role-check.ts';
import { AuditEventRepository } from '../../src/store/repositories/audit-event-repository.ts';
import { EnvironmentSecretRepository } from '../../src/store/repositories/environment-secret-repository.ts';
import { MemberRepository } from '../../src/store/repositories/member-repository.ts';
import { ProjectRepository } from '../../src/store/repositories/project-repository.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Secret {
  key: string;
  environment_scope: string;
  created_at: string;
  updated_at: string;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

for (const dialect of DIALECTS) {
  describe(`environment secrets API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let maintainer: string;
    let developer: string;
    let service: EnvironmentSecretService;
    let counter = 0;
    // Every answer the API gave in this suite, to check that no value ever appears in one.
    const answers: string[] = [];
    const api = async <T>(method: string, path: string, options: { token?: string; body?: unknown } = {}) => {
      const response = await t.api<T>(method, path, { token: maintainer, ...options });
      answers.push(JSON.stringify(response.body ?? null));
      return response;
    };
    const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2)}-plaintext`;

    /** A fresh project owned by the maintainer, with the developer as a member. */
    async function project(): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer,
        body: { path: `secrets/p${counter++}` },
      });
      assert.equal(created.status, 201);
      const developerId = (await t.api<{ id: number }>('GET', 'user', { token: developer })).body.id;
      await t.api('POST', `projects/${created.body.id}/members`, {
        token: maintainer,
        body: { user_id: developerId, access_level: 30 },
      });
      return created.body.id;
    }

    const rows = (projectId: number) =>
      t.server.store.db
        .selectFrom('environment_secrets')
        .selectAll()
        .where('project_id', '=', projectId)
        .execute();

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      maintainer = (await createUserWithToken(t, 'secret-maintainer')).token;
      developer = (await createUserWithToken(t, 'secret-developer')).token;
      const db = t.server.store.db;
      const members = new MemberRepository(db);
      service = new EnvironmentSecretService({
        environmentSecrets: new EnvironmentSecretRepository(db),
        access: new ProjectAccess(new ProjectRepository(db), members),
        roles: new ProjectRoleCheck(members),
        secrets: new SecretBox(loadOrCreateKeyFile(join(t.dataDir, 'secret.key'))),
        audit: new AuditLog(new AuditEventRepository(db)),
      });
    });
    after(() => t?.stop());

    test('create, list, change and delete; answers carry key and scope, never the value', async () => {
      const id = await project();
      const value = unique('db');
      const created = await api<Secret>('POST', `projects/${id}/environment_secrets`, {
        body: { key: 'DATABASE_URL', value },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(Object.keys(created.body).sort(), [
        'created_at',
        'environment_scope',
        'key',
        'updated_at',
      ]);
      assert.equal(created.body.key, 'DATABASE_URL');
      assert.equal(created.body.environment_scope, '*');
      const production = await api<Secret>('POST', `projects/${id}/environment_secrets`, {
        body: { key: 'DATABASE_URL', value: unique('db-prod'), environment_scope: 'production' },
      });
      assert.equal(production.status, 201);
      await api('POST', `projects/${id}/environment_secrets`, {
        body: { key: 'tls.crt', value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
      });

      const list = await api<Secret[]>('GET', `projects/${id}/environment_secrets`);
      assert.equal(list.status, 200);
      assert.equal(list.headers.get('x-total'), '3');
      assert.deepEqual(
        list.body.map((s) => `${s.key}@${s.environment_scope}`),
        ['DATABASE_URL@*', 'DATABASE_URL@production', 'tls.crt@*'],
      );

      const changed = unique('db-changed');
      const updated = await api<Secret>(
        'PUT',
        `projects/${id}/environment_secrets/DATABASE_URL?environment_scope=production`,
        { body: { value: changed } },
      );
      assert.equal(updated.status, 200);
      assert.equal(updated.body.environment_scope, 'production');
      assert.equal(updated.body.created_at, production.body.created_at);
      assert.ok(updated.body.updated_at >= production.body.updated_at);
      assert.equal((await service.valuesForEnvironment(id, 'production')).DATABASE_URL, changed);
      // Without ?environment_scope the secret of scope * is meant.
      const unscoped = unique('db-any');
      assert.equal(
        (
          await api('PUT', `projects/${id}/environment_secrets/DATABASE_URL`, {
            body: { value: unscoped },
          })
        ).status,
        200,
      );
      assert.equal((await service.valuesForEnvironment(id, 'staging')).DATABASE_URL, unscoped);

      const deleted = await api(
        'DELETE',
        `projects/${id}/environment_secrets/DATABASE_URL?environment_scope=production`,
      );
      assert.equal(deleted.status, 204);
      assert.deepEqual((await rows(id)).map((r) => `${r.key}@${r.environment_scope}`).sort(), [
        'DATABASE_URL@*',
        'tls.crt@*',
      ]);
      const again = await api<ErrorBody>(
        'DELETE',
        `projects/${id}/environment_secrets/DATABASE_URL?environment_scope=production`,
      );
      assert.equal(again.status, 404);
      assert.match(again.body.error.message, /secret DATABASE_URL in environment scope production not found/);

      for (const secret of [value, changed, unscoped, 'MIIB']) {
        assert.ok(!answers.some((answer) => answer.includes(secret)), 'a value appeared in an answer');
      }
      const openapi = await t.api<unknown>('GET', 'openapi.json');
      assert.ok(!JSON.stringify(openapi.body).includes('value_encrypted'));
    });

    test('values are encrypted at rest under a context naming project, key and scope', async () => {
      const id = await project();
      const value = unique('token');
      await api('POST', `projects/${id}/environment_secrets`, {
        body: { key: 'API_TOKEN', value, environment_scope: 'review/*' },
      });
      const [row] = await rows(id);
      assert.ok(row);
      assert.ok(!JSON.stringify(row).includes(value), 'the stored row holds the value in plaintext');
      assert.match(row.value_encrypted, /^v1:[0-9a-f]{8}:/);
      assert.deepEqual(await service.valuesForEnvironment(id, 'review/app'), { API_TOKEN: value });

      // The same ciphertext under another scope no longer decrypts: it cannot be moved between rows.
      const other = await project();
      await t.server.store.db
        .insertInto('environment_secrets')
        .values({
          project_id: other,
          environment_scope: '*',
          key: 'API_TOKEN',
          value_encrypted: row.value_encrypted,
          created_at: row.created_at,
          updated_at: row.updated_at,
        })
        .execute();
      await assert.rejects(service.valuesForEnvironment(other, 'production'), /failed authentication/);
    });

    test('the most specific scope wins per key, and the version names the set without its values', async () => {
      const id = await project();
      const put = (key: string, value: string, environment_scope: string) =>
        api('POST', `projects/${id}/environment_secrets`, { body: { key, value, environment_scope } });
      await put('API_URL', 'https://api.example.com', '*');
      await put('API_URL', 'https://api.review.example.com', 'review/*');
      await put('API_URL', 'https://api.app-1.example.com', 'review/app-*');
      await put('API_URL', 'https://prod.example.com', 'production');
      await put('TOKEN', 'any', '*');
      await put('REVIEW_ONLY', 'r', 'review/*');
      await put('EU', 'eu', '*-eu');

      // [environment, what it receives]
      const table: Array<[string, Record<string, string>]> = [
        ['production', { API_URL: 'https://prod.example.com', TOKEN: 'any' }],
        ['production-eu', { API_URL: 'https://api.example.com', EU: 'eu', TOKEN: 'any' }],
        ['review/app-1', { API_URL: 'https://api.app-1.example.com', REVIEW_ONLY: 'r', TOKEN: 'any' }],
        ['review/other', { API_URL: 'https://api.review.example.com', REVIEW_ONLY: 'r', TOKEN: 'any' }],
        ['staging', { API_URL: 'https://api.example.com', TOKEN: 'any' }],
      ];
      for (const [environment, expected] of table) {
        assert.deepEqual(await service.valuesForEnvironment(id, environment), expected, environment);
      }
      assert.deepEqual(await service.valuesForEnvironment(await project(), 'production'), {});

      const staging = await service.secretSetForEnvironment(id, 'staging');
      assert.match(staging.version, /^[0-9a-f]{64}$/);
      for (const value of Object.values(staging.values)) assert.ok(!staging.version.includes(value));
      // Two environments receiving the same set share a version; a different set has another.
      assert.equal((await service.secretSetForEnvironment(id, 'qa')).version, staging.version);
      assert.notEqual((await service.secretSetForEnvironment(id, 'production')).version, staging.version);
      await api('PUT', `projects/${id}/environment_secrets/TOKEN`, { body: { value: 'rotated' } });
      const rotated = await service.secretSetForEnvironment(id, 'staging');
      assert.equal(rotated.values.TOKEN, 'rotated');
      assert.notEqual(rotated.version, staging.version);
    });

    test('bad keys, scopes and values are refused with 400 naming the field, never echoing the value', async () => {
      const id = await project();
      const tooBig = `${'x'.repeat(MAX_SECRET_VALUE_BYTES - 1)}€`;
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ key: 'a/b', value: 'v' }, '/key', /invalid secret key: .*letters, digits, -, _ or \./],
        [{ key: '..data', value: 'v' }, '/key', /must not be \. or start with \.\./],
        [{ key: 'k'.repeat(254), value: 'v' }, '/key', /invalid body/],
        [{ key: '', value: 'v' }, '/key', /invalid body/],
        [
          { key: 'K', value: 'v', environment_scope: ' production' },
          '/environment_scope',
          /not an environment scope/,
        ],
        [
          { key: 'K', value: 'v', environment_scope: 'prod|uction' },
          '/environment_scope',
          /not an environment scope/,
        ],
        [{ key: 'K', value: tooBig }, '/value', /at most 65536 bytes \(64 KiB\); this one has 65538/],
        [{ key: 'K' }, '/value', /invalid body/],
        [{ key: 'K', value: 12 }, '/value', /invalid body/],
        [{ key: 'K', value: 'v', masked: true }, '/masked', /invalid body/],
      ];
      for (const [body, path, message] of cases) {
        const response = await api<ErrorBody>('POST', `projects/${id}/environment_secrets`, { body });
        const label = JSON.stringify(body).slice(0, 80);
        assert.equal(response.status, 400, label);
        assert.equal(response.body.error.code, 'validation_failed', label);
        assert.match(response.body.error.message, message, label);
        assert.ok(
          response.body.error.details.some((d) => d.path.startsWith(path)),
          `${label}: ${JSON.stringify(response.body.error.details)}`,
        );
        assert.ok(!JSON.stringify(response.body).includes('xxxxxxxx'), 'the value was echoed');
      }
      await api('POST', `projects/${id}/environment_secrets`, { body: { key: 'K', value: 'v' } });
      const bigUpdate = await api<ErrorBody>('PUT', `projects/${id}/environment_secrets/K`, {
        body: { value: tooBig },
      });
      assert.equal(bigUpdate.status, 400);
      assert.equal(bigUpdate.body.error.details[0]?.path, '/value');
      assert.deepEqual(
        (await rows(id)).map((r) => r.key),
        ['K'],
      );
      assert.deepEqual(await service.valuesForEnvironment(id, 'production'), { K: 'v' });
      const missing = await api<ErrorBody>('PUT', `projects/${id}/environment_secrets/NOPE`, {
        body: { value: 'v' },
      });
      assert.equal(missing.status, 404);
    });

    test('a key already in that scope is a 409; other scopes of the key are fine', async () => {
      const id = await project();
      const create = (environment_scope?: string) =>
        api<ErrorBody>('POST', `projects/${id}/environment_secrets`, {
          body: { key: 'PASSWORD', value: unique('pw'), ...(environment_scope && { environment_scope }) },
        });
      assert.equal((await create()).status, 201);
      const duplicate = await create('*');
      assert.equal(duplicate.status, 409);
      assert.match(duplicate.body.error.message, /PASSWORD already exists in environment scope \*; .*PUT/);
      assert.equal((await create('production')).status, 201);
      assert.equal((await create('production')).status, 409);
      const racing = await Promise.all([create('staging'), create('staging'), create('staging')]);
      assert.deepEqual(racing.map((r) => r.status).sort(), [201, 409, 409]);
      assert.equal((await rows(id)).length, 3);
    });

    test('developers get 403, read_api tokens too; changes are audited without values', async () => {
      const id = await project();
      const value = unique('audited');
      for (const [method, path, body] of [
        ['GET', `projects/${id}/environment_secrets`, undefined],
        ['POST', `projects/${id}/environment_secrets`, { key: 'K', value }],
      ] as const) {
        const denied = await api<ErrorBody>(method, path, { token: developer, body });
        assert.equal(denied.status, 403);
        assert.match(denied.body.error.message, /managing environment secrets needs the maintainer role/);
      }
      const readOnly = await t.api<{ token: string }>(
        'POST',
        `users/${(await t.api<{ id: number }>('GET', 'user', { token: maintainer })).body.id}/personal_access_tokens`,
        { body: { name: 'read', scopes: ['read_api'] } },
      );
      const listed = await api<ErrorBody>('GET', `projects/${id}/environment_secrets`, {
        token: readOnly.body.token,
      });
      assert.equal(listed.status, 403);
      assert.match(listed.body.error.message, /needs a token with the api scope/);

      await api('POST', `projects/${id}/environment_secrets`, { body: { key: 'K', value } });
      await api('PUT', `projects/${id}/environment_secrets/K`, { body: { value: unique('audited-2') } });
      await api('DELETE', `projects/${id}/environment_secrets/K`);
      const events = await api<
        Array<{ action: string; target_type: string; details: Record<string, unknown> }>
      >('GET', `projects/${id}/audit_events?action=environment_secret_change`);
      assert.equal(events.status, 200);
      assert.deepEqual(
        events.body.map((e) => [e.target_type, e.details]),
        [
          ['environment_secret', { operation: 'delete', key: 'K', environment_scope: '*' }],
          ['environment_secret', { operation: 'update', key: 'K', environment_scope: '*' }],
          ['environment_secret', { operation: 'create', key: 'K', environment_scope: '*' }],
        ],
      );
      const stored = await t.server.store.db.selectFrom('audit_events').select('details').execute();
      assert.ok(!stored.some((row) => row.details.includes('audited-')), 'a value reached the audit log');
    });
  });
}
