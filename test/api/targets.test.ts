import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { loadOrCreateKeyFile } from '../../src/secrets/secret-key-source.ts';
import { TargetRepository } from '../../src/store/repositories/target-repository.ts';
import { targetSecretContext } from '../../src/webhooks/webhook-secrets.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Target {
  id: number;
  project_id: number | null;
  name: string;
  kind: string;
  environment_scope: string;
  url: string | null;
  created_at: string;
  updated_at: string;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string }> };
}

for (const dialect of DIALECTS) {
  describe(`targets API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let maintainer: string;
    let developer: string;
    let counter = 0;

    async function project(): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer,
        body: { path: `targets/p${counter++}` },
      });
      assert.equal(created.status, 201);
      const user = await t.api<{ id: number }>('GET', 'user', { token: developer });
      await t.api('POST', `projects/${created.body.id}/members`, {
        token: maintainer,
        body: { user_id: user.body.id, access_level: 30 },
      });
      return created.body.id;
    }

    async function secretOf(id: number): Promise<string | null> {
      const row = await t.server.store.db
        .selectFrom('targets')
        .select('secret_encrypted')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return row.secret_encrypted;
    }

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      maintainer = (await createUserWithToken(t, 'targets-maintainer')).token;
      developer = (await createUserWithToken(t, 'targets-developer')).token;
    });
    after(() => t?.stop());

    test('project targets: register, read, change, delete; the secret is write-only and encrypted', async () => {
      const id = await project();
      const created = await t.api<Target>('POST', `projects/${id}/targets`, {
        token: maintainer,
        body: {
          name: 'deployer',
          kind: 'external',
          environment_scope: 'review/*',
          url: 'https://deployer.example.com/hook',
          secret: 'plain-target-secret',
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const target = created.body;
      assert.deepEqual(
        { ...target, id: 0, created_at: '', updated_at: '' },
        {
          id: 0,
          project_id: id,
          name: 'deployer',
          kind: 'external',
          environment_scope: 'review/*',
          url: 'https://deployer.example.com/hook',
          kubernetes: null,
          podman: null,
          ssh: null,
          sftp: null,
          s3: null,
          maven: null,
          ansible: null,
          created_at: '',
          updated_at: '',
        },
      );
      assert.doesNotMatch(JSON.stringify(target), /plain-target-secret|secret/);
      const stored = await secretOf(target.id);
      assert.ok(stored !== null);
      assert.doesNotMatch(stored, /plain-target-secret/);
      const box = new SecretBox(loadOrCreateKeyFile(join(t.dataDir, 'secret.key')));
      assert.equal(box.decrypt(stored, targetSecretContext(target.id)), 'plain-target-secret');
      const row = await t.server.store.db
        .selectFrom('targets')
        .select('config')
        .where('id', '=', target.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(row.config), { url: 'https://deployer.example.com/hook' });

      const list = await t.api<Target[]>('GET', `projects/${id}/targets`, { token: maintainer });
      assert.deepEqual(list.body, [target]);
      assert.equal(list.headers.get('x-total'), '1');
      const one = await t.api<Target>('GET', `projects/${id}/targets/${target.id}`, { token: maintainer });
      assert.deepEqual(one.body, target);

      const changed = await t.api<Target>('PUT', `projects/${id}/targets/${target.id}`, {
        token: maintainer,
        body: { environment_scope: '*', url: 'http://127.0.0.1:9/other' },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.environment_scope, '*');
      assert.equal(changed.body.url, 'http://127.0.0.1:9/other');
      assert.equal(changed.body.name, 'deployer');
      assert.equal(await secretOf(target.id), stored, 'a secret left out is kept');
      await t.api('PUT', `projects/${id}/targets/${target.id}`, {
        token: maintainer,
        body: { secret: 'new-one' },
      });
      const rotated = await secretOf(target.id);
      assert.equal(box.decrypt(rotated!, targetSecretContext(target.id)), 'new-one');
      await t.api('PUT', `projects/${id}/targets/${target.id}`, {
        token: maintainer,
        body: { secret: null },
      });
      assert.equal(await secretOf(target.id), null, 'null removes the secret');
      const kindChange = await t.api('PUT', `projects/${id}/targets/${target.id}`, {
        token: maintainer,
        body: { kind: 'external' },
      });
      assert.equal(kindChange.status, 400, 'the kind is fixed');

      const other = await project();
      const crossed = await t.api('GET', `projects/${other}/targets/${target.id}`, { token: maintainer });
      assert.equal(crossed.status, 404, "a project's target is not found through another project");
      const asInstance = await t.api('GET', `targets/${target.id}`);
      assert.equal(asInstance.status, 404, 'nor through the instance API');

      assert.equal(
        (await t.api('DELETE', `projects/${id}/targets/${target.id}`, { token: maintainer })).status,
        204,
      );
      assert.equal(
        (await t.api('GET', `projects/${id}/targets/${target.id}`, { token: maintainer })).status,
        404,
      );
    });

    test('refused input names the field: unknown kind, missing or bad URL, bad scope, duplicate name', async () => {
      const id = await project();
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ name: 'k', kind: 'nomad', url: 'https://x.example.com' }, 400, '/kind'],
        [{ name: 'k', kind: 'kubernetes', url: 'https://x.example.com' }, 400, '/url'],
        [{ name: 'k', kind: 'external', url: 'https://x.example.com', kubernetes: {} }, 400, '/kubernetes'],
        [{ name: 'u', kind: 'external' }, 400, '/url'],
        [{ name: 'u', kind: 'external', url: 'ftp://x.example.com' }, 400, '/url'],
        [{ name: 'u', kind: 'external', url: 'https://a:b@x.example.com' }, 400, '/url'],
        [
          { name: 's', kind: 'external', url: 'https://x.example.com', environment_scope: 'bad|scope' },
          400,
          '',
        ],
      ];
      for (const [body, status, path] of cases) {
        const refused = await t.api<ErrorBody>('POST', `projects/${id}/targets`, { token: maintainer, body });
        assert.equal(refused.status, status, JSON.stringify(body));
        if (path !== '')
          assert.equal(refused.body.error.details[0]?.path, path, JSON.stringify(refused.body));
      }
      const first = await t.api('POST', `projects/${id}/targets`, {
        token: maintainer,
        body: { name: 'same', kind: 'external', url: 'https://x.example.com' },
      });
      assert.equal(first.status, 201);
      const again = await t.api<ErrorBody>('POST', `projects/${id}/targets`, {
        token: maintainer,
        body: { name: 'same', kind: 'external', url: 'https://y.example.com' },
      });
      assert.equal(again.status, 409);
      const listed = await t.api<Target[]>('GET', `projects/${id}/targets`, { token: maintainer });
      assert.deepEqual(
        listed.body.map((target) => target.name),
        ['same'],
      );
      const byDeveloper = await t.api<ErrorBody>('POST', `projects/${id}/targets`, {
        token: developer,
        body: { name: 'd', kind: 'external', url: 'https://x.example.com' },
      });
      assert.equal(byDeveloper.status, 403);
      assert.equal((await t.api('GET', `projects/${id}/targets`, { token: developer })).status, 403);
    });

    test('instance targets are for administrators', async () => {
      const created = await t.api<Target>('POST', 'targets', {
        body: { name: 'everywhere', kind: 'external', url: 'https://fleet.example.com', secret: 's' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.project_id, null);
      assert.equal(created.body.environment_scope, '*');
      const list = await t.api<Target[]>('GET', 'targets');
      assert.ok(list.body.some((target) => target.id === created.body.id));
      assert.ok(list.body.every((target) => target.project_id === null));
      const changed = await t.api<Target>('PUT', `targets/${created.body.id}`, { body: { name: 'fleet' } });
      assert.equal(changed.body.name, 'fleet');
      assert.equal((await t.api('GET', 'targets', { token: maintainer })).status, 403);
      assert.equal(
        (
          await t.api('POST', 'targets', {
            token: maintainer,
            body: { name: 'x', kind: 'external', url: 'https://x.example.com' },
          })
        ).status,
        403,
      );
      const id = await project();
      const viaProject = await t.api('GET', `projects/${id}/targets/${created.body.id}`, {
        token: maintainer,
      });
      assert.equal(viaProject.status, 404, 'an instance target is not a project target');
      assert.equal((await t.api('DELETE', `targets/${created.body.id}`)).status, 204);
      assert.equal((await t.api('GET', `targets/${created.body.id}`)).status, 404);
    });

    test('findForEnvironment: project targets first, then the most specific scope; other projects never', async () => {
      const repository = new TargetRepository(t.server.store.db);
      const add = async (path: string, name: string, scope: string) => {
        const created = await t.api<Target>('POST', path, {
          body: { name, kind: 'external', environment_scope: scope, url: 'https://t.example.com' },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return created.body.id;
      };
      const instanceAny = await add('targets', 'fleet-any', '*');
      const instanceProduction = await add('targets', 'fleet-production', 'production');
      const app = await project();
      const appReview = await add(`projects/${app}/targets`, 'review', 'review/*');
      const appExact = await add(`projects/${app}/targets`, 'review-1', 'review/app-1');
      const other = await project();
      const otherAny = await add(`projects/${other}/targets`, 'other-any', '*');
      const bare = await project();

      const found = async (projectId: number, environment: string) =>
        (await repository.findForEnvironment(projectId, environment))?.id;
      assert.equal(await found(app, 'review/app-1'), appExact);
      assert.equal(await found(app, 'review/app-2'), appReview);
      assert.equal(await found(app, 'production'), instanceProduction);
      assert.equal(await found(app, 'staging'), instanceAny);
      assert.equal(
        await found(other, 'production'),
        otherAny,
        'a project target, even *, beats the instance',
      );
      assert.equal(await found(bare, 'production'), instanceProduction);
      assert.equal(await found(bare, 'review/app-1'), instanceAny);

      await t.api('DELETE', `targets/${instanceAny}`);
      await t.api('DELETE', `targets/${instanceProduction}`);
      assert.equal(await found(bare, 'production'), undefined);
      assert.equal(await found(app, 'staging'), undefined);
    });
  });
}
