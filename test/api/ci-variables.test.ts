import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { loadOrCreateKeyFile } from '../../src/secrets/secret-key-source.ts';
import { CiVariableResolver } from '../../src/services/ci-variable-resolver.ts';
import { ProjectAccess } from '../../src/services/project-access.ts';
import { ProtectedRefService } from '../../src/services/protected-ref-service.ts';
import { CiVariableRepository } from '../../src/store/repositories/ci-variable-repository.ts';
import { MemberRepository } from '../../src/store/repositories/member-repository.ts';
import { ProjectRepository } from '../../src/store/repositories/project-repository.ts';
import { ProtectedRefRepository } from '../../src/store/repositories/protected-ref-repository.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Variable {
  key: string;
  value: string | null;
  variable_type: string;
  protected: boolean;
  masked: boolean;
  raw: boolean;
  environment_scope: string;
  description: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

for (const dialect of DIALECTS) {
  describe(`CI/CD variables API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let maintainer: string;
    let developer: string;
    let counter = 0;

    /** A fresh project owned by the maintainer, with the developer as a member. */
    async function project(): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer,
        body: { path: `vars/p${counter++}` },
      });
      assert.equal(created.status, 201);
      const developerId = (await t.api<{ id: number }>('GET', 'user', { token: developer })).body.id;
      await t.api('POST', `projects/${created.body.id}/members`, {
        token: maintainer,
        body: { user_id: developerId, access_level: 30 },
      });
      return created.body.id;
    }

    const rows = (projectId: number | null) =>
      projectId === null
        ? t.server.store.db.selectFrom('ci_variables').selectAll().where('project_id', 'is', null).execute()
        : t.server.store.db
            .selectFrom('ci_variables')
            .selectAll()
            .where('project_id', '=', projectId)
            .execute();

    before(async () => {
      t = await startTestServer(dialect);
      maintainer = (await createUserWithToken(t, 'var-maintainer')).token;
      developer = (await createUserWithToken(t, 'var-developer')).token;
    });
    after(() => t?.stop());

    test('create, list, get, update, delete with GitLab fields and defaults', async () => {
      const id = await project();
      const created = await t.api<Variable>('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'REGISTRY_URL', value: 'registry.example.com' },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body, {
        key: 'REGISTRY_URL',
        value: 'registry.example.com',
        variable_type: 'env_var',
        protected: false,
        masked: false,
        raw: false,
        environment_scope: '*',
        description: null,
      });
      const list = await t.api<Variable[]>('GET', `projects/${id}/variables`, { token: maintainer });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body, [created.body]);
      assert.equal(list.headers.get('x-total'), '1');

      const updated = await t.api<Variable>('PUT', `projects/${id}/variables/REGISTRY_URL`, {
        token: maintainer,
        body: { value: 'registry.internal', protected: true, description: 'where images go' },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.value, 'registry.internal');
      assert.equal(updated.body.protected, true);
      assert.equal(updated.body.description, 'where images go');
      const got = await t.api<Variable>('GET', `projects/${id}/variables/REGISTRY_URL`, {
        token: maintainer,
      });
      assert.deepEqual(got.body, updated.body);

      assert.equal(
        (await t.api('DELETE', `projects/${id}/variables/REGISTRY_URL`, { token: maintainer })).status,
        204,
      );
      const gone = await t.api<ErrorBody>('GET', `projects/${id}/variables/REGISTRY_URL`, {
        token: maintainer,
      });
      assert.equal(gone.status, 404);
      assert.deepEqual(await rows(id), []);
    });

    test('file variables keep multi-line values', async () => {
      const id = await project();
      const kubeconfig = 'apiVersion: v1\nclusters:\n  - name: prod\n    server: https://k8s.example.com\n';
      const created = await t.api<Variable>('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'KUBECONFIG', value: kubeconfig, variable_type: 'file' },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.variable_type, 'file');
      const got = await t.api<Variable>('GET', `projects/${id}/variables/KUBECONFIG`, { token: maintainer });
      assert.equal(got.body.value, kubeconfig);
      const back = await t.api<Variable>('PUT', `projects/${id}/variables/KUBECONFIG`, {
        token: maintainer,
        body: { variable_type: 'env_var' },
      });
      assert.equal(back.body.variable_type, 'env_var');
      assert.equal(back.body.value, kubeconfig);
    });

    test('masked values breaking GitLab’s rules are refused with 400 and nothing is stored', async () => {
      const id = await project();
      await t.api('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'DATABASE_URL', value: 'host=db port=5432' },
      });
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ value: 'short' }, /at least 8 characters/],
        [{ value: 'has spaces in it' }, /single line without spaces/],
        [{ value: 'line-one\nline-two' }, /single line without spaces/],
        [{ value: 'pa$$word-123' }, /set raw: true/],
        [{ value: 'semi;colon|pipe' }, /set raw: true/],
        [{ value: 'raw but spaced', raw: true }, /single line without spaces/],
        [{ value: 'CI_COMMIT_SHA' }, /predefined variable/],
        [{ value: 'DATABASE_URL' }, /name of a CI\/CD variable/],
      ];
      for (const [fields, message] of bad) {
        const response = await t.api<ErrorBody>('POST', `projects/${id}/variables`, {
          token: maintainer,
          body: { key: 'SECRET', masked: true, ...fields },
        });
        assert.equal(response.status, 400, JSON.stringify(fields));
        assert.equal(response.body.error.code, 'bad_request');
        assert.match(response.body.error.message, message);
        assert.equal(response.body.error.details[0]?.path, '/value');
        // The error never repeats the value.
        assert.ok(!JSON.stringify(response.body).includes(String(fields.value)));
      }
      assert.deepEqual(
        (await rows(id)).map((r) => r.key),
        ['DATABASE_URL'],
      );
      // Raw masked values may use any non-space character.
      const raw = await t.api<Variable>('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'SECRET', value: 'pa$$word-123', masked: true, raw: true },
      });
      assert.equal(raw.status, 201);

      // Masking an existing value that cannot be masked, or changing a masked value to one: 400, unchanged.
      const toggle = await t.api<ErrorBody>('PUT', `projects/${id}/variables/DATABASE_URL`, {
        token: maintainer,
        body: { masked: true },
      });
      assert.equal(toggle.status, 400);
      const change = await t.api<ErrorBody>('PUT', `projects/${id}/variables/SECRET`, {
        token: maintainer,
        body: { value: 'two words' },
      });
      assert.equal(change.status, 400);
      const after = await t.api<Variable>('GET', `projects/${id}/variables/SECRET`, { token: maintainer });
      assert.equal(after.body.value, 'pa$$word-123');
      const plain = await t.api<Variable>('GET', `projects/${id}/variables/DATABASE_URL`, {
        token: maintainer,
      });
      assert.equal(plain.body.masked, false);
    });

    test('masked values are null in lists and write answers, revealed by reading the one variable', async () => {
      const id = await project();
      const created = await t.api<Variable>('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'DEPLOY_TOKEN', value: 'gty_abcdefgh12345678', masked: true, protected: true },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.value, null);
      assert.equal(created.body.masked, true);
      await t.api('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'VISIBLE', value: 'shown' },
      });
      const list = await t.api<Variable[]>('GET', `projects/${id}/variables`, { token: maintainer });
      assert.deepEqual(
        list.body.map((v) => [v.key, v.value]),
        [
          ['DEPLOY_TOKEN', null],
          ['VISIBLE', 'shown'],
        ],
      );
      assert.ok(!JSON.stringify(list.body).includes('gty_abcdefgh12345678'));
      const updated = await t.api<Variable>('PUT', `projects/${id}/variables/DEPLOY_TOKEN`, {
        token: maintainer,
        body: { description: 'for deploys' },
      });
      assert.equal(updated.body.value, null);
      const one = await t.api<Variable>('GET', `projects/${id}/variables/DEPLOY_TOKEN`, {
        token: maintainer,
      });
      assert.equal(one.body.value, 'gty_abcdefgh12345678');
      // Admins may reveal too.
      const admin = await t.api<Variable>('GET', `projects/${id}/variables/DEPLOY_TOKEN`);
      assert.equal(admin.body.value, 'gty_abcdefgh12345678');
    });

    test('developers may not even read variables; read-only tokens may not either', async () => {
      const id = await project();
      await t.api('POST', `projects/${id}/variables`, { token: maintainer, body: { key: 'A', value: 'x' } });
      const list = await t.api<ErrorBody>('GET', `projects/${id}/variables`, { token: developer });
      assert.equal(list.status, 403);
      assert.match(list.body.error.message, /maintainer role/);
      assert.equal((await t.api('GET', `projects/${id}/variables/A`, { token: developer })).status, 403);
      const me = await t.api<{ id: number }>('GET', 'user', { token: maintainer });
      const readOnly = await t.api<{ token: string }>('POST', `users/${me.body.id}/personal_access_tokens`, {
        token: maintainer,
        body: { name: 'ro', scopes: ['read_api'] },
      });
      const ro = await t.api<ErrorBody>('GET', `projects/${id}/variables`, { token: readOnly.body.token });
      assert.equal(ro.status, 403);
      assert.match(ro.body.error.message, /api scope/);
    });

    test('one key in several environment scopes: 409 on duplicates, filter[environment_scope] picks one', async () => {
      const id = await project();
      const create = (scope: string | undefined, value: string) =>
        t.api<Variable | ErrorBody>('POST', `projects/${id}/variables`, {
          token: maintainer,
          body: { key: 'DB_URL', value, ...(scope !== undefined && { environment_scope: scope }) },
        });
      assert.equal((await create(undefined, 'postgres://default')).status, 201);
      assert.equal((await create('production', 'postgres://prod')).status, 201);
      assert.equal((await create('review/*', 'postgres://review')).status, 201);
      const duplicate = await create('production', 'postgres://other');
      assert.equal(duplicate.status, 409);
      assert.match(
        (duplicate.body as ErrorBody).error.message,
        /already exists in environment scope production/,
      );
      assert.equal((await create('*', 'again')).status, 409);
      assert.equal((await rows(id)).length, 3);

      const ambiguous = await t.api<ErrorBody>('GET', `projects/${id}/variables/DB_URL`, {
        token: maintainer,
      });
      assert.equal(ambiguous.status, 409);
      assert.match(ambiguous.body.error.message, /filter\[environment_scope\]/);
      const scoped = await t.api<Variable>(
        'GET',
        `projects/${id}/variables/DB_URL?filter[environment_scope]=review%2F*`,
        { token: maintainer },
      );
      assert.equal(scoped.status, 200);
      assert.equal(scoped.body.value, 'postgres://review');
      const moved = await t.api<Variable | ErrorBody>(
        'PUT',
        `projects/${id}/variables/DB_URL?filter[environment_scope]=production`,
        { token: maintainer, body: { environment_scope: 'review/*' } },
      );
      assert.equal(moved.status, 409);
      const renamed = await t.api<Variable>(
        'PUT',
        `projects/${id}/variables/DB_URL?filter[environment_scope]=production`,
        { token: maintainer, body: { environment_scope: 'production-eu' } },
      );
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.environment_scope, 'production-eu');
      // Re-encrypted for its new scope: still readable.
      const read = await t.api<Variable>(
        'GET',
        `projects/${id}/variables/DB_URL?filter[environment_scope]=production-eu`,
        { token: maintainer },
      );
      assert.equal(read.body.value, 'postgres://prod');
      const deleted = await t.api(
        'DELETE',
        `projects/${id}/variables/DB_URL?filter[environment_scope]=production-eu`,
        { token: maintainer },
      );
      assert.equal(deleted.status, 204);
      assert.deepEqual((await rows(id)).map((r) => r.environment_scope).sort(), ['*', 'review/*']);
      const badScope = await t.api<ErrorBody>('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'X', value: 'y', environment_scope: 'prod;rm' },
      });
      assert.equal(badScope.status, 400);
    });

    test('bad keys and unknown fields are refused', async () => {
      const id = await project();
      for (const body of [
        { key: 'WITH-DASH', value: 'x' },
        { key: '', value: 'x' },
        { key: 'K'.repeat(256), value: 'x' },
        { key: 'OK', value: 'x', variable_type: 'secret' },
        { key: 'OK', value: 'x', hidden: true },
        { key: 'OK', value: 1 },
      ]) {
        const response = await t.api<ErrorBody>('POST', `projects/${id}/variables`, {
          token: maintainer,
          body,
        });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.error.code, 'validation_failed');
      }
      assert.deepEqual(await rows(id), []);
    });

    test('values are never stored in plaintext, and each ciphertext is bound to its project, key and scope', async () => {
      const id = await project();
      const other = await project();
      const secrets = ['plaintext-needle-one', 'plaintext-needle-two', 'masked-needle-3333'];
      await t.api('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'ONE', value: secrets[0] },
      });
      await t.api('POST', `projects/${id}/variables`, {
        token: maintainer,
        body: { key: 'TWO', value: secrets[1], variable_type: 'file', environment_scope: 'production' },
      });
      await t.api('POST', `projects/${other}/variables`, {
        token: maintainer,
        body: { key: 'ONE', value: secrets[2], masked: true },
      });
      await t.api('POST', 'admin/ci/variables', {
        body: { key: 'INSTANCE_NEEDLE', value: 'instance-needle-44' },
      });
      const all = await t.server.store.db.selectFrom('ci_variables').selectAll().execute();
      const dump = JSON.stringify(all);
      for (const value of [...secrets, 'instance-needle-44']) assert.ok(!dump.includes(value), value);
      for (const row of all) assert.match(row.value_encrypted, /^v1:[0-9a-f]{8}:/);

      // A ciphertext copied into another project's row of the same key does not decrypt there.
      const [source] = (await rows(id)).filter((r) => r.key === 'ONE');
      const [target] = (await rows(other)).filter((r) => r.key === 'ONE');
      await t.server.store.db
        .updateTable('ci_variables')
        .set({ value_encrypted: source!.value_encrypted })
        .where('id', '=', target!.id)
        .execute();
      const tampered = await t.api<ErrorBody>('GET', `projects/${other}/variables/ONE`, {
        token: maintainer,
      });
      assert.equal(tampered.status, 500);
      assert.ok(!JSON.stringify(tampered.body).includes(secrets[0]!));
    });

    test('instance variables: admins only, scope * only, GitLab’s 10,000-character limit', async () => {
      const created = await t.api<Variable>('POST', 'admin/ci/variables', {
        body: { key: 'GLOBAL_REGISTRY', value: 'registry.example.com', protected: true },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.environment_scope, '*');
      assert.equal(created.body.protected, true);
      assert.equal(
        (await t.api('POST', 'admin/ci/variables', { body: { key: 'GLOBAL_REGISTRY', value: 'x' } })).status,
        409,
      );
      const scoped = await t.api<ErrorBody>('POST', 'admin/ci/variables', {
        body: { key: 'SCOPED', value: 'x', environment_scope: 'production' },
      });
      assert.equal(scoped.status, 400);
      assert.match(scoped.body.error.message, /scope \*/);
      const long = await t.api('POST', 'admin/ci/variables', {
        body: { key: 'LONG', value: 'x'.repeat(10_001) },
      });
      assert.equal(long.status, 400);
      const masked = await t.api<ErrorBody>('POST', 'admin/ci/variables', {
        body: { key: 'MASKED', value: 'short', masked: true },
      });
      assert.equal(masked.status, 400);
      assert.equal((await t.api('GET', 'admin/ci/variables', { token: maintainer })).status, 403);
      const list = await t.api<Variable[]>('GET', 'admin/ci/variables');
      assert.ok(list.body.some((v) => v.key === 'GLOBAL_REGISTRY'));
      const updated = await t.api<Variable>('PUT', 'admin/ci/variables/GLOBAL_REGISTRY', {
        body: { value: 'registry.internal', masked: true },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.value, null);
      assert.equal(
        (await t.api<Variable>('GET', 'admin/ci/variables/GLOBAL_REGISTRY')).body.value,
        'registry.internal',
      );
      assert.equal((await t.api('DELETE', 'admin/ci/variables/GLOBAL_REGISTRY')).status, 204);
      assert.equal((await t.api('GET', 'admin/ci/variables/GLOBAL_REGISTRY')).status, 404);
    });

    test('the resolver gives each job its variables: protection, scopes, precedence (table)', async () => {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer,
        body: { path: `vars/resolve-${dialect}`, default_branch: 'main' },
      });
      const id = created.body.id;
      const add = (level: 'instance' | 'project', body: Record<string, unknown>) =>
        level === 'instance'
          ? t.api('POST', 'admin/ci/variables', { body })
          : t.api('POST', `projects/${id}/variables`, { token: maintainer, body });
      for (const body of [
        { key: 'R_SHARED', value: 'instance' },
        { key: 'R_INSTANCE_ONLY', value: 'inst' },
        { key: 'R_INSTANCE_PROTECTED', value: 'inst-prot', protected: true },
      ]) {
        assert.equal((await add('instance', body)).status, 201);
      }
      for (const body of [
        { key: 'R_SHARED', value: 'project' },
        { key: 'R_DEPLOY', value: 'any' },
        { key: 'R_DEPLOY', value: 'prod', environment_scope: 'production', protected: true },
        { key: 'R_DEPLOY', value: 'review', environment_scope: 'review/*' },
        { key: 'R_DEPLOY', value: 'review-app', environment_scope: 'review/app-*' },
        { key: 'R_KUBE', value: 'apiVersion: v1\n', variable_type: 'file', environment_scope: 'production' },
        { key: 'R_SIGNING', value: 'signing-key-1234', masked: true, protected: true },
      ]) {
        assert.equal((await add('project', body)).status, 201, JSON.stringify(body));
      }
      assert.equal(
        (
          await t.api('POST', `projects/${id}/protected_branches`, {
            token: maintainer,
            body: { name: 'release/*' },
          })
        ).status,
        201,
      );
      assert.equal(
        (await t.api('POST', `projects/${id}/protected_tags`, { token: maintainer, body: { name: 'v*' } }))
          .status,
        201,
      );

      const db = t.server.store.db;
      const projects = new ProjectRepository(db);
      const resolver = new CiVariableResolver({
        variables: new CiVariableRepository(db),
        projects,
        protectedRefs: new ProtectedRefService({
          refs: new ProtectedRefRepository(db),
          projects,
          access: new ProjectAccess(projects, new MemberRepository(db)),
        }),
        secrets: new SecretBox(loadOrCreateKeyFile(join(t.dataDir, 'secret.key'))),
      });
      const ours = (list: Array<{ key: string; value: string; file: boolean; masked: boolean }>) =>
        list
          .filter((v) => v.key.startsWith('R_'))
          .map((v) => `${v.key}=${v.value.trim()}${v.file ? ' (file)' : ''}${v.masked ? ' (masked)' : ''}`);
      const table: Array<[string, 'branch' | 'tag', string | null, string[]]> = [
        ['feature/x', 'branch', null, ['R_INSTANCE_ONLY=inst', 'R_DEPLOY=any', 'R_SHARED=project']],
        [
          'main',
          'branch',
          null,
          [
            'R_INSTANCE_ONLY=inst',
            'R_INSTANCE_PROTECTED=inst-prot',
            'R_DEPLOY=any',
            'R_SHARED=project',
            'R_SIGNING=signing-key-1234 (masked)',
          ],
        ],
        [
          'release/2.0',
          'branch',
          'production',
          [
            'R_INSTANCE_ONLY=inst',
            'R_INSTANCE_PROTECTED=inst-prot',
            'R_DEPLOY=prod',
            'R_KUBE=apiVersion: v1 (file)',
            'R_SHARED=project',
            'R_SIGNING=signing-key-1234 (masked)',
          ],
        ],
        [
          'feature/x',
          'branch',
          'production',
          ['R_INSTANCE_ONLY=inst', 'R_DEPLOY=any', 'R_KUBE=apiVersion: v1 (file)', 'R_SHARED=project'],
        ],
        [
          'feature/x',
          'branch',
          'review/app-12',
          ['R_INSTANCE_ONLY=inst', 'R_DEPLOY=review-app', 'R_SHARED=project'],
        ],
        [
          'feature/x',
          'branch',
          'review/docs',
          ['R_INSTANCE_ONLY=inst', 'R_DEPLOY=review', 'R_SHARED=project'],
        ],
        [
          'v1.0',
          'tag',
          null,
          [
            'R_INSTANCE_ONLY=inst',
            'R_INSTANCE_PROTECTED=inst-prot',
            'R_DEPLOY=any',
            'R_SHARED=project',
            'R_SIGNING=signing-key-1234 (masked)',
          ],
        ],
        // A tag named like a protected branch pattern is not protected, nor a branch like a tag pattern.
        ['release/2.0', 'tag', null, ['R_INSTANCE_ONLY=inst', 'R_DEPLOY=any', 'R_SHARED=project']],
        ['v1.0', 'branch', null, ['R_INSTANCE_ONLY=inst', 'R_DEPLOY=any', 'R_SHARED=project']],
        [
          'refs/heads/release/3',
          'branch',
          null,
          [
            'R_INSTANCE_ONLY=inst',
            'R_INSTANCE_PROTECTED=inst-prot',
            'R_DEPLOY=any',
            'R_SHARED=project',
            'R_SIGNING=signing-key-1234 (masked)',
          ],
        ],
      ];
      for (const [ref, refType, environmentName, expected] of table) {
        const resolved = await resolver.resolve({ projectId: id, ref, refType, environmentName });
        assert.deepEqual(ours(resolved), expected, `${refType} ${ref} in ${environmentName ?? '(none)'}`);
      }
      assert.equal(await resolver.isProtected(id, 'main', 'branch'), true);
      assert.equal(await resolver.isProtected(id, 'feature/x', 'branch'), false);
      assert.equal(await resolver.isProtected(id, 'v2', 'tag'), true);
      await assert.rejects(
        resolver.resolve({ projectId: 999_999, ref: 'main', refType: 'branch', environmentName: null }),
      );
      for (const key of ['R_SHARED', 'R_INSTANCE_ONLY', 'R_INSTANCE_PROTECTED']) {
        await t.api('DELETE', `admin/ci/variables/${key}`);
      }
    });
  });
}
