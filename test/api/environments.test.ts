import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeploymentRepository } from '../../src/store/repositories/deployment-repository.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface DeploymentJson {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  tag: boolean;
  status: string;
  action: string;
  finished_at: string | null;
  user: { id: number; username: string; name: string } | null;
  environment: { id: number; name: string; slug: string };
  deployable: { id: number; name: string; status?: string } | null;
  pipeline_id: number | null;
  rollback_of: number | null;
  snapshot: unknown;
  external_state: string | null;
}
interface EnvironmentJson {
  id: number;
  name: string;
  slug: string;
  external_url: string | null;
  state: string;
  tier: string;
  folder: string | null;
  kubernetes_namespace: string | null;
  auto_stop_at: string | null;
  created_at: string;
  updated_at: string;
  last_deployment: DeploymentJson | null;
  last_successful_deployment?: DeploymentJson | null;
}
interface MatrixJson {
  project: { id: number; path_with_namespace: string };
  environment: { id: number; name: string; tier: string; state: string };
  deployment: {
    id: number;
    iid: number;
    sha: string;
    short_sha: string;
    ref: string;
    tag: boolean;
    finished_at: string | null;
    user: { id: number; username: string } | null;
  } | null;
  last_deployment: { id: number; iid: number; status: string; short_sha: string; created_at: string } | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const SHA = (n: number) => n.toString(16).padStart(40, 'a');
const LONG_AGO = '2020-01-01T00:00:00.000Z';

for (const dialect of DIALECTS) {
  describe(`environments API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let maintainer: string;
    let developer: string;
    let reporter: string;
    let outsider: string;
    let maintainerId: number;
    let counter = 0;

    async function project(): Promise<{ id: number; path: string }> {
      const created = await t.api<{ id: number; path_with_namespace: string }>('POST', 'projects', {
        token: maintainer,
        body: { path: `envs/p${counter++}` },
      });
      assert.equal(created.status, 201);
      for (const [token, level] of [
        [reporter, 20],
        [developer, 30],
      ] as const) {
        const user = await t.api<{ id: number }>('GET', 'user', { token });
        await t.api('POST', `projects/${created.body.id}/members`, {
          token: maintainer,
          body: { user_id: user.body.id, access_level: level },
        });
      }
      return { id: created.body.id, path: created.body.path_with_namespace };
    }

    async function environment(projectId: number, name: string, body: Record<string, unknown> = {}) {
      const created = await t.api<EnvironmentJson>('POST', `projects/${projectId}/environments`, {
        token: developer,
        body: { name, ...body },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    }

    /** Records a deployment directly, as the pipeline engine would, and points the environment at it. */
    async function deploy(
      projectId: number,
      environmentId: number,
      status: string,
      options: { sha?: string; ref?: string; userId?: number | null; tag?: boolean; snapshot?: unknown } = {},
    ) {
      const db = t.server.store.db;
      const row = await new DeploymentRepository(db).insert({
        project_id: projectId,
        environment_id: environmentId,
        sha: options.sha ?? SHA(++counter),
        ref: options.ref ?? 'main',
        tag: options.tag ? 1 : 0,
        user_id: options.userId === undefined ? maintainerId : options.userId,
        status,
        action: 'start',
        job_id: null,
        pipeline_id: null,
        deployable_name: null,
        snapshot: options.snapshot === undefined ? null : JSON.stringify(options.snapshot),
        rollback_of: null,
      });
      const finished = status === 'success' || status === 'failed' ? new Date().toISOString() : null;
      await db.updateTable('deployments').set({ finished_at: finished }).where('id', '=', row.id).execute();
      await db
        .updateTable('environments')
        .set({
          last_deployment_id: row.id,
          ...(status === 'success' && { last_success_deployment_id: row.id }),
        })
        .where('id', '=', environmentId)
        .execute();
      return row;
    }

    async function setEnvironment(id: number, values: { state?: string; updated_at?: string }) {
      await t.server.store.db.updateTable('environments').set(values).where('id', '=', id).execute();
    }

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      const m = await createUserWithToken(t, 'env-maintainer');
      maintainer = m.token;
      maintainerId = m.id;
      developer = (await createUserWithToken(t, 'env-developer')).token;
      reporter = (await createUserWithToken(t, 'env-reporter')).token;
      outsider = (await createUserWithToken(t, 'env-outsider')).token;
    });
    after(() => t?.stop());

    test('create derives the slug and guesses the tier from the name; duplicates conflict', async () => {
      const { id } = await project();
      const production = await environment(id, 'production', { external_url: 'https://app.example.com' });
      assert.equal(production.slug, 'production');
      assert.equal(production.tier, 'production');
      assert.equal(production.state, 'available');
      assert.equal(production.folder, null);
      assert.equal(production.external_url, 'https://app.example.com');
      assert.equal(production.last_deployment, null);
      assert.equal(production.last_successful_deployment, null);

      const review = await environment(id, 'review/Feature_X');
      assert.equal(review.folder, 'review');
      assert.equal(review.tier, 'development');
      assert.match(review.slug, /^review-feature-x-[a-z0-9]{6}$/);

      const staging = await environment(id, 'pre-live', { tier: 'staging', kubernetes_namespace: 'app-pre' });
      assert.equal(staging.tier, 'staging');
      assert.equal(staging.kubernetes_namespace, 'app-pre');
      assert.equal((await environment(id, 'sandbox')).tier, 'other');

      const duplicate = await t.api<ErrorBody>('POST', `projects/${id}/environments`, {
        token: developer,
        body: { name: 'production' },
      });
      assert.equal(duplicate.status, 409);
      assert.match(duplicate.body.error.message, /production already exists/);

      for (const body of [
        { name: '/leading-slash' },
        { name: 'bad?name' },
        { name: '   ' },
        { name: 'ok', external_url: 'ftp://files.example.com' },
        { name: 'ok', external_url: 'not a url' },
        { name: 'ok', tier: 'prod' },
        { name: 'ok', kubernetes_namespace: 'Not_Valid' },
        { name: 'ok', color: 'red' },
      ]) {
        const response = await t.api<ErrorBody>('POST', `projects/${id}/environments`, {
          token: developer,
          body,
        });
        assert.equal(response.status, 400, JSON.stringify(body));
      }
      const forbidden = await t.api<ErrorBody>('POST', `projects/${id}/environments`, {
        token: reporter,
        body: { name: 'mine' },
      });
      assert.equal(forbidden.status, 403);
      assert.match(forbidden.body.error.message, /creating an environment needs the developer role/);
      const hidden = await t.api('POST', `projects/${id}/environments`, {
        token: outsider,
        body: { name: 'mine' },
      });
      assert.equal(hidden.status, 404);
    });

    test('list by name with name, search and states filters and GitLab pagination headers', async () => {
      const { id, path } = await project();
      for (const name of ['staging', 'production', 'review/b', 'review/a', 'review/c'])
        await environment(id, name);
      const stopped = (await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments?name=review%2Fc`))
        .body[0]!;
      await setEnvironment(stopped.id, { state: 'stopped' });

      const all = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments`, { token: reporter });
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.body.map((e) => e.name),
        ['production', 'review/a', 'review/b', 'review/c', 'staging'],
      );
      assert.equal(all.headers.get('x-total'), '5');

      const page = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments?per_page=2&page=2`, {
        token: reporter,
      });
      assert.deepEqual(
        page.body.map((e) => e.name),
        ['review/b', 'review/c'],
      );
      assert.equal(page.headers.get('x-total'), '5');
      assert.equal(page.headers.get('x-total-pages'), '3');
      assert.equal(page.headers.get('x-page'), '2');
      assert.equal(page.headers.get('x-next-page'), '3');
      assert.equal(page.headers.get('x-prev-page'), '1');

      const byName = await t.api<EnvironmentJson[]>(
        'GET',
        `projects/${encodeURIComponent(path)}/environments?name=staging`,
      );
      assert.deepEqual(
        byName.body.map((e) => e.name),
        ['staging'],
      );
      const exact = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments?name=review`);
      assert.deepEqual(exact.body, []);
      const search = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments?search=review%2F`);
      assert.deepEqual(
        search.body.map((e) => e.name),
        ['review/a', 'review/b', 'review/c'],
      );
      assert.equal(search.headers.get('x-total'), '3');
      const onlyStopped = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments?states=stopped`);
      assert.deepEqual(
        onlyStopped.body.map((e) => e.name),
        ['review/c'],
      );
      const available = await t.api<EnvironmentJson[]>(
        'GET',
        `projects/${id}/environments?search=review&states=available`,
      );
      assert.deepEqual(
        available.body.map((e) => e.name),
        ['review/a', 'review/b'],
      );
      assert.equal((await t.api('GET', `projects/${id}/environments?states=gone`)).status, 400);
      assert.equal((await t.api('GET', `projects/${id}/environments?name=a&search=b`)).status, 400);
      assert.equal((await t.api('GET', `projects/${id}/environments`, { token: outsider })).status, 404);
    });

    test('get and list show the last deployment; get also the last successful one', async () => {
      const { id } = await project();
      const production = await environment(id, 'production');
      const other = await environment(id, 'staging');
      const good = await deploy(id, production.id, 'success', {
        ref: 'v1.0',
        tag: true,
        snapshot: { kind: 'external', sha: SHA(1), ref: 'v1.0', tag: true },
      });
      const bad = await deploy(id, production.id, 'failed', { userId: null });

      const one = await t.api<EnvironmentJson>('GET', `projects/${id}/environments/${production.id}`, {
        token: reporter,
      });
      assert.equal(one.status, 200);
      const last = one.body.last_deployment!;
      assert.equal(last.id, bad.id);
      assert.equal(last.iid, bad.iid);
      assert.equal(last.status, 'failed');
      assert.equal(last.user, null);
      assert.deepEqual(last.environment, { id: production.id, name: 'production', slug: 'production' });
      assert.equal(last.deployable, null);
      const success = one.body.last_successful_deployment!;
      assert.equal(success.id, good.id);
      assert.equal(success.iid, good.iid);
      assert.equal(success.ref, 'v1.0');
      assert.equal(success.tag, true);
      assert.equal(success.action, 'start');
      assert.equal(success.sha, good.sha);
      assert.deepEqual(success.user, {
        id: maintainerId,
        username: 'env-maintainer',
        name: 'env-maintainer',
      });
      assert.deepEqual(success.snapshot, { kind: 'external', sha: SHA(1), ref: 'v1.0', tag: true });
      assert.equal(typeof success.finished_at, 'string');
      assert.equal(success.rollback_of, null);
      assert.equal(success.external_state, null);

      const list = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments`, { token: reporter });
      const [first, second] = list.body;
      assert.equal(first!.name, 'production');
      assert.equal(first!.last_deployment!.id, bad.id);
      assert.equal('last_successful_deployment' in first!, false);
      assert.equal(second!.id, other.id);
      assert.equal(second!.last_deployment, null);

      // Another project's environment id is not found through this project.
      const elsewhere = await project();
      assert.equal(
        (await t.api('GET', `projects/${elsewhere.id}/environments/${production.id}`)).status,
        404,
      );
      assert.equal((await t.api('GET', `projects/${id}/environments/999999`)).status, 404);
      assert.equal(
        (await t.api('GET', `projects/${id}/environments/${production.id}`, { token: outsider })).status,
        404,
      );
    });

    test('update changes the URL, tier and namespace; the name never changes', async () => {
      const { id } = await project();
      const env = await environment(id, 'staging', { external_url: 'http://old.example.com' });
      const updated = await t.api<EnvironmentJson>('PUT', `projects/${id}/environments/${env.id}`, {
        token: developer,
        body: {
          name: 'staging',
          external_url: 'https://new.example.com',
          tier: 'testing',
          kubernetes_namespace: 'stg',
        },
      });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.external_url, 'https://new.example.com');
      assert.equal(updated.body.tier, 'testing');
      assert.equal(updated.body.kubernetes_namespace, 'stg');
      assert.equal(updated.body.slug, 'staging');
      const cleared = await t.api<EnvironmentJson>('PUT', `projects/${id}/environments/${env.id}`, {
        token: developer,
        body: { external_url: null, kubernetes_namespace: null },
      });
      assert.equal(cleared.body.external_url, null);
      assert.equal(cleared.body.kubernetes_namespace, null);
      assert.equal(cleared.body.tier, 'testing');

      const renamed = await t.api<ErrorBody>('PUT', `projects/${id}/environments/${env.id}`, {
        token: developer,
        body: { name: 'production' },
      });
      assert.equal(renamed.status, 400);
      assert.match(renamed.body.error.message, /cannot be renamed/);
      const badUrl = await t.api('PUT', `projects/${id}/environments/${env.id}`, {
        token: developer,
        body: { external_url: 'javascript:alert(1)' },
      });
      assert.equal(badUrl.status, 400);
      const byReporter = await t.api('PUT', `projects/${id}/environments/${env.id}`, {
        token: reporter,
        body: { tier: 'production' },
      });
      assert.equal(byReporter.status, 403);
      const after = await t.api<EnvironmentJson>('GET', `projects/${id}/environments/${env.id}`);
      assert.equal(after.body.name, 'staging');
      assert.equal(after.body.tier, 'testing');
    });

    test('delete refuses an environment that is not stopped, then deletes it with its deployments', async () => {
      const { id } = await project();
      const env = await environment(id, 'review/gone');
      const deployment = await deploy(id, env.id, 'success');
      const refused = await t.api<ErrorBody>('DELETE', `projects/${id}/environments/${env.id}`, {
        token: maintainer,
      });
      assert.equal(refused.status, 409);
      assert.match(refused.body.error.message, /is available: stop it first/);
      await setEnvironment(env.id, { state: 'stopping' });
      assert.equal(
        (await t.api('DELETE', `projects/${id}/environments/${env.id}`, { token: maintainer })).status,
        409,
      );
      await setEnvironment(env.id, { state: 'stopped' });
      assert.equal(
        (await t.api('DELETE', `projects/${id}/environments/${env.id}`, { token: developer })).status,
        403,
      );
      assert.equal(
        (await t.api('DELETE', `projects/${id}/environments/${env.id}`, { token: maintainer })).status,
        204,
      );
      assert.equal((await t.api('GET', `projects/${id}/environments/${env.id}`)).status, 404);
      const left = await t.server.store.db
        .selectFrom('deployments')
        .select('id')
        .where('id', '=', deployment.id)
        .execute();
      assert.deepEqual(left, []);
      assert.equal(
        (await t.api('DELETE', `projects/${id}/environments/${env.id}`, { token: maintainer })).status,
        404,
      );
    });

    test('stop_stale stops available environments not updated since a past date', async () => {
      const { id } = await project();
      const old = await environment(id, 'old');
      const fresh = await environment(id, 'fresh');
      const oldStopped = await environment(id, 'old-stopped');
      await setEnvironment(old.id, { updated_at: LONG_AGO });
      await setEnvironment(oldStopped.id, { updated_at: LONG_AGO, state: 'stopped' });

      const missing = await t.api<ErrorBody>('POST', `projects/${id}/environments/stop_stale`, {
        token: developer,
      });
      assert.equal(missing.status, 400);
      assert.match(missing.body.error.message, /before is required/);
      const future = await t.api<ErrorBody>(
        'POST',
        `projects/${id}/environments/stop_stale?before=${encodeURIComponent('2999-01-01T00:00:00Z')}`,
        { token: developer },
      );
      assert.equal(future.status, 400);
      assert.match(future.body.error.message, /must be in the past/);
      const garbage = await t.api('POST', `projects/${id}/environments/stop_stale?before=yesterday`, {
        token: developer,
      });
      assert.equal(garbage.status, 400);
      assert.equal(
        (await t.api('POST', `projects/${id}/environments/stop_stale?before=2021-01-01`, { token: reporter }))
          .status,
        403,
      );

      const stopped = await t.api<{ message: string }>(
        'POST',
        `projects/${id}/environments/stop_stale?before=2021-01-01T00:00:00Z`,
        { token: developer },
      );
      assert.equal(stopped.status, 200);
      assert.match(stopped.body.message, /Stopped 1 stale environment\b/);
      const states = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments`);
      assert.deepEqual(
        states.body.map((e) => [e.name, e.state]),
        [
          ['fresh', 'available'],
          ['old', 'stopped'],
          ['old-stopped', 'stopped'],
        ],
      );
      assert.equal(fresh.state, 'available');

      // A JSON body works as well as the query string; nothing is stale any more.
      const again = await t.api<{ message: string }>('POST', `projects/${id}/environments/stop_stale`, {
        token: developer,
        body: { before: '2021-01-01T00:00:00Z' },
      });
      assert.equal(again.status, 200);
      assert.match(again.body.message, /Stopped 0 stale environments/);
    });

    test('review_apps lists old stopped review apps in a dry run, then deletes them', async () => {
      const { id } = await project();
      const names = [
        'review/old-1',
        'review/old-2',
        'review/recent',
        'review/running',
        'reviewer',
        'staging',
      ];
      const envs = new Map<string, EnvironmentJson>();
      for (const name of names) envs.set(name, await environment(id, name));
      for (const name of ['review/old-1', 'review/old-2', 'reviewer', 'staging']) {
        await setEnvironment(envs.get(name)!.id, { state: 'stopped', updated_at: LONG_AGO });
      }
      await setEnvironment(envs.get('review/recent')!.id, { state: 'stopped' });
      await setEnvironment(envs.get('review/running')!.id, { updated_at: LONG_AGO });
      type Cleanup = {
        scheduled_entries: Array<{ id: number; name: string }>;
        unprocessable_entries: unknown[];
        dry_run: boolean;
      };

      const dry = await t.api<Cleanup>('DELETE', `projects/${id}/environments/review_apps`, {
        token: maintainer,
      });
      assert.equal(dry.status, 200, JSON.stringify(dry.body));
      assert.equal(dry.body.dry_run, true);
      assert.deepEqual(
        dry.body.scheduled_entries.map((e) => e.name),
        ['review/old-1', 'review/old-2'],
      );
      assert.deepEqual(dry.body.unprocessable_entries, []);
      assert.equal((await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments`)).body.length, 6);

      const limited = await t.api<Cleanup>('DELETE', `projects/${id}/environments/review_apps?limit=1`, {
        token: maintainer,
      });
      assert.deepEqual(
        limited.body.scheduled_entries.map((e) => e.name),
        ['review/old-1'],
      );
      // Before a date older than everything: nothing.
      const none = await t.api<Cleanup>(
        'DELETE',
        `projects/${id}/environments/review_apps?before=2019-01-01T00:00:00Z`,
        { token: maintainer },
      );
      assert.deepEqual(none.body.scheduled_entries, []);
      assert.equal(
        (await t.api('DELETE', `projects/${id}/environments/review_apps`, { token: developer })).status,
        403,
      );
      assert.equal(
        (await t.api('DELETE', `projects/${id}/environments/review_apps?limit=1001`, { token: maintainer }))
          .status,
        400,
      );

      const real = await t.api<Cleanup>('DELETE', `projects/${id}/environments/review_apps?dry_run=false`, {
        token: maintainer,
      });
      assert.equal(real.status, 200);
      assert.equal(real.body.dry_run, false);
      assert.deepEqual(
        real.body.scheduled_entries.map((e) => e.name),
        ['review/old-1', 'review/old-2'],
      );
      const left = await t.api<EnvironmentJson[]>('GET', `projects/${id}/environments`);
      assert.deepEqual(
        left.body.map((e) => e.name),
        ['review/recent', 'review/running', 'reviewer', 'staging'],
      );
    });

    test('the matrix shows what runs where: admins see every project, others only their own', async () => {
      const mine = await project();
      const production = await environment(mine.id, 'production');
      await environment(mine.id, 'staging');
      const live = await deploy(mine.id, production.id, 'success', { ref: 'main' });
      // A later failed deployment does not change what runs there; it is the newest one.
      const failed = await deploy(mine.id, production.id, 'failed');
      const theirs = await t.api<{ id: number; path_with_namespace: string }>('POST', 'projects', {
        token: outsider,
        body: { path: `matrix/outsider${counter++}` },
      });
      const theirEnv = await t.api<EnvironmentJson>('POST', `projects/${theirs.body.id}/environments`, {
        token: outsider,
        body: { name: 'dev' },
      });
      assert.equal(theirEnv.status, 201);

      const asMaintainer = await t.api<MatrixJson[]>('GET', 'environments/matrix', { token: maintainer });
      assert.equal(asMaintainer.status, 200);
      assert.equal(asMaintainer.headers.get('x-per-page'), '100');
      assert.equal(
        asMaintainer.body.some((row) => row.project.id === theirs.body.id),
        false,
      );
      const rows = asMaintainer.body.filter((row) => row.project.id === mine.id);
      assert.deepEqual(
        rows.map((row) => row.environment.name),
        ['production', 'staging'],
      );
      assert.deepEqual(rows[0], {
        project: { id: mine.id, path_with_namespace: mine.path },
        environment: { id: production.id, name: 'production', tier: 'production', state: 'available' },
        deployment: {
          id: live.id,
          iid: live.iid,
          sha: live.sha,
          short_sha: live.sha.slice(0, 8),
          ref: 'main',
          tag: false,
          finished_at: rows[0]!.deployment!.finished_at,
          user: { id: maintainerId, username: 'env-maintainer' },
        },
        last_deployment: {
          id: failed.id,
          iid: failed.iid,
          status: 'failed',
          sha: failed.sha,
          short_sha: failed.sha.slice(0, 8),
          ref: 'main',
          tag: false,
          created_at: rows[0]!.last_deployment!.created_at,
        },
      });
      assert.equal(typeof rows[0]!.deployment!.finished_at, 'string');
      assert.equal(rows[1]!.deployment, null);
      assert.equal(rows[1]!.last_deployment, null);

      const asOutsider = await t.api<MatrixJson[]>('GET', 'environments/matrix', { token: outsider });
      assert.deepEqual(
        asOutsider.body.map((row) => [row.project.id, row.environment.name]),
        [[theirs.body.id, 'dev']],
      );
      assert.equal(asOutsider.headers.get('x-total'), '1');
      const lonely = await createUserWithToken(t, `env-lonely${counter++}`);
      const empty = await t.api<MatrixJson[]>('GET', 'environments/matrix', { token: lonely.token });
      assert.deepEqual(empty.body, []);
      assert.equal(empty.headers.get('x-total'), '0');

      const asAdmin = await t.api<MatrixJson[]>('GET', 'environments/matrix?per_page=100');
      const projects = new Set(asAdmin.body.map((row) => row.project.id));
      assert.equal(projects.has(mine.id), true);
      assert.equal(projects.has(theirs.body.id), true);
      const paths = asAdmin.body.map((row) => `${row.project.path_with_namespace} ${row.environment.name}`);
      assert.deepEqual(paths, [...paths].sort());

      const filtered = await t.api<MatrixJson[]>(`GET`, `environments/matrix?project=${mine.id}`, {
        token: reporter,
      });
      assert.deepEqual(
        filtered.body.map((row) => row.environment.name),
        ['production', 'staging'],
      );
      assert.equal(
        (await t.api('GET', `environments/matrix?project=${mine.id}`, { token: outsider })).status,
        404,
      );
    });
  });
}
