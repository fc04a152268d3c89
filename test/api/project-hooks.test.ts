import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { loadOrCreateKeyFile } from '../../src/secrets/secret-key-source.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { HookDeliveryRepository } from '../../src/store/repositories/hook-delivery-repository.ts';
import { ProjectHookRepository } from '../../src/store/repositories/project-hook-repository.ts';
import { ProjectRepository } from '../../src/store/repositories/project-repository.ts';
import { TargetRepository } from '../../src/store/repositories/target-repository.ts';
import { WebhookOutbox } from '../../src/webhooks/webhook-outbox.ts';
import { projectHookSecretContext, targetSecretContext } from '../../src/webhooks/webhook-secrets.ts';
import { DIALECTS, dialectSuiteOptions, freshDatabaseUrl } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  pipelineFor,
  pushFiles,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Hook {
  id: number;
  project_id: number;
  url: string;
  pipeline_events: boolean;
  job_events: boolean;
  deployment_events: boolean;
  releases_events: boolean;
  created_at: string;
}
interface Delivery {
  id: number;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  payload: Record<string, unknown>;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string }> };
}

/** One request a receiver got: the raw body bytes as sent, so signatures are checked over them. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A webhook receiver on loopback. Each path answers from its own script of statuses (the last one
 * repeats; 200 when none is set); every request is recorded.
 */
class Receiver {
  readonly requests: Received[] = [];
  readonly #scripts = new Map<string, number[]>();
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks) });
        const script = this.#scripts.get(path) ?? [];
        const status = (script.length > 1 ? script.shift() : script[0]) ?? 200;
        if (path === '/hang') return; // never answers
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(path === '/verbose' ? 'x'.repeat(5000) : `answer ${status}`);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  script(path: string, statuses: number[]): string {
    this.#scripts.set(path, [...statuses]);
    return `${this.url}${path}`;
  }

  to(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const hmac = (secret: string, body: Buffer) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

for (const dialect of DIALECTS) {
  describe(`project hooks API and deliveries on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let receiver: Receiver;
    let scratch: ScratchDir;
    let maintainer: string;
    let developer: string;
    let counter = 0;

    async function project(): Promise<{ id: number; path: string }> {
      const path = `hooks/p${counter++}`;
      const created = await t.api<{ id: number }>('POST', 'projects', { token: maintainer, body: { path } });
      assert.equal(created.status, 201);
      const user = await t.api<{ id: number }>('GET', 'user', { token: developer });
      await t.api('POST', `projects/${created.body.id}/members`, {
        token: maintainer,
        body: { user_id: user.body.id, access_level: 30 },
      });
      return { id: created.body.id, path };
    }

    async function addHook(projectId: number, body: Record<string, unknown>): Promise<Hook> {
      const created = await t.api<Hook>('POST', `projects/${projectId}/hooks`, { token: maintainer, body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    }

    async function log(projectId: number, hookId: number, query = ''): Promise<Delivery[]> {
      const answer = await t.api<Delivery[]>('GET', `projects/${projectId}/hooks/${hookId}/events${query}`, {
        token: maintainer,
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    }

    /** Waits until the hook's log has a delivery matching `check`. */
    function deliveryWhere(
      projectId: number,
      hookId: number,
      check: (d: Delivery) => boolean,
    ): Promise<Delivery> {
      return eventually(
        async () => (await log(projectId, hookId, '?per_page=100')).find(check),
        async () => `hook ${hookId} log: ${JSON.stringify(await log(projectId, hookId, '?per_page=100'))}`,
        30_000,
      );
    }

    before(async () => {
      receiver = await new Receiver().start();
      scratch = await scratchDir();
      // Tiny retry waits so retries happen within the test: four attempts in all.
      t = await startTestServer(dialect, { env: { GANTRY_HOOK_BACKOFF_SECONDS: '0.05,0.05,0.05' } });
      maintainer = (await createUserWithToken(t, 'hooks-maintainer')).token;
      developer = (await createUserWithToken(t, 'hooks-developer')).token;
    });
    after(async () => {
      await t?.stop();
      await receiver?.stop();
      await scratch?.cleanup();
    });

    test('create, read, change and delete hooks; the token is write-only and stored encrypted', async () => {
      const { id } = await project();
      const hook = await addHook(id, {
        url: `${receiver.url}/crud`,
        token: 'plain-secret-token',
        pipeline_events: true,
        releases_events: true,
      });
      assert.deepEqual(
        { ...hook, created_at: undefined },
        {
          id: hook.id,
          project_id: id,
          url: `${receiver.url}/crud`,
          pipeline_events: true,
          job_events: false,
          deployment_events: false,
          releases_events: true,
          created_at: undefined,
        },
      );
      assert.doesNotMatch(JSON.stringify(hook), /plain-secret-token|token/);
      const row = await t.server.store.db
        .selectFrom('project_hooks')
        .selectAll()
        .where('id', '=', hook.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.secret_encrypted !== null);
      assert.doesNotMatch(row.secret_encrypted, /plain-secret-token/);
      const box = new SecretBox(loadOrCreateKeyFile(join(t.dataDir, 'secret.key')));
      assert.equal(
        box.decrypt(row.secret_encrypted, projectHookSecretContext(id, hook.id)),
        'plain-secret-token',
      );

      const list = await t.api<Hook[]>('GET', `projects/${id}/hooks`, { token: maintainer });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body, [hook]);
      assert.equal(list.headers.get('x-total'), '1');
      assert.deepEqual(
        (await t.api<Hook>('GET', `projects/${id}/hooks/${hook.id}`, { token: maintainer })).body,
        hook,
      );

      const changed = await t.api<Hook>('PUT', `projects/${id}/hooks/${hook.id}`, {
        token: maintainer,
        body: { url: `${receiver.url}/crud2`, job_events: true, releases_events: false },
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.url, `${receiver.url}/crud2`);
      assert.equal(changed.body.job_events, true);
      assert.equal(changed.body.releases_events, false);
      assert.equal(changed.body.pipeline_events, true);
      const kept = await t.server.store.db
        .selectFrom('project_hooks')
        .select('secret_encrypted')
        .where('id', '=', hook.id)
        .executeTakeFirstOrThrow();
      assert.equal(kept.secret_encrypted, row.secret_encrypted, 'a token left out is kept');
      await t.api('PUT', `projects/${id}/hooks/${hook.id}`, { token: maintainer, body: { token: '' } });
      const cleared = await t.server.store.db
        .selectFrom('project_hooks')
        .select('secret_encrypted')
        .where('id', '=', hook.id)
        .executeTakeFirstOrThrow();
      assert.equal(cleared.secret_encrypted, null, 'an empty token removes it');

      const deleted = await t.api('DELETE', `projects/${id}/hooks/${hook.id}`, { token: maintainer });
      assert.equal(deleted.status, 204);
      const gone = await t.api<ErrorBody>('GET', `projects/${id}/hooks/${hook.id}`, { token: maintainer });
      assert.equal(gone.status, 404);
      const other = await project();
      const elsewhere = await addHook(other.id, { url: `${receiver.url}/x` });
      const crossed = await t.api('GET', `projects/${id}/hooks/${elsewhere.id}`, { token: maintainer });
      assert.equal(crossed.status, 404, "another project's hook is not found through this one");
    });

    test('bad URLs are refused naming the field; developers may not manage hooks', async () => {
      const { id } = await project();
      for (const url of ['ftp://example.com/x', 'not a url', 'https://user:pw@example.com/', '/relative']) {
        const refused = await t.api<ErrorBody>('POST', `projects/${id}/hooks`, {
          token: maintainer,
          body: { url },
        });
        assert.equal(refused.status, 400, url);
        assert.equal(refused.body.error.details[0]?.path, '/url', url);
      }
      const unknown = await t.api('POST', `projects/${id}/hooks`, {
        token: maintainer,
        body: { url: `${receiver.url}/x`, push_events: true },
      });
      assert.equal(unknown.status, 400);
      const byDeveloper = await t.api<ErrorBody>('POST', `projects/${id}/hooks`, {
        token: developer,
        body: { url: `${receiver.url}/x` },
      });
      assert.equal(byDeveloper.status, 403);
      assert.match(byDeveloper.body.error.message, /maintainer/);
      const listed = await t.api('GET', `projects/${id}/hooks`, { token: developer });
      assert.equal(listed.status, 403);
      assert.equal(
        (await t.api<Hook[]>('GET', `projects/${id}/hooks`, { token: maintainer })).body.length,
        0,
      );
    });

    test('pipeline and job events reach the hooks that want them, signed over the exact body', async () => {
      const { id, path } = await project();
      const pipelines = await addHook(id, {
        url: receiver.script('/pipelines', [200]),
        token: 's3cret-for-pipelines',
        pipeline_events: true,
        job_events: false,
      });
      const jobs = await addHook(id, { url: receiver.script('/jobs', [200]), job_events: true });
      const work = await cloneProject(t, path, join(scratch.path, `work-${id}`));
      const sha = await pushFiles(work, { '.gantry.yml': 'build:\n  script: [echo built]\n' });
      const pipeline = await pipelineFor(t, id, sha);
      const done = await waitForPipeline(t, id, pipeline.id);
      assert.equal(done.pipeline.status, 'success');

      const success = await deliveryWhere(
        id,
        pipelines.id,
        (d) =>
          d.status === 'delivered' &&
          (d.payload.object_attributes as { status: string }).status === 'success',
      );
      assert.equal(success.event, 'pipeline');
      assert.equal(success.attempts, 1);
      assert.equal(success.response_status, 200);
      assert.equal(success.error, null);
      assert.equal(success.next_attempt_at, null);
      const payload = success.payload as {
        object_kind: string;
        object_attributes: { id: number; iid: number; ref: string; sha: string; source: string };
        project: { id: number; path_with_namespace: string };
        builds: Array<{ name: string; status: string }>;
      };
      assert.equal(payload.object_kind, 'pipeline');
      assert.equal(payload.object_attributes.id, pipeline.id);
      assert.equal(payload.object_attributes.ref, 'main');
      assert.equal(payload.object_attributes.sha, sha);
      assert.equal(payload.object_attributes.source, 'push');
      assert.deepEqual(payload.project.id, id);
      assert.equal(payload.project.path_with_namespace, path);
      assert.deepEqual(
        payload.builds.map((b) => [b.name, b.status]),
        [['build', 'success']],
      );

      const sent = receiver
        .to('/pipelines')
        .find((r) => r.headers['x-gantry-delivery'] === String(success.id));
      assert.ok(sent, 'the receiver got the delivery');
      assert.equal(sent.headers['content-type'], 'application/json');
      assert.equal(sent.headers['user-agent'], 'Gantry-Hookshot');
      assert.equal(sent.headers['x-gantry-event'], 'pipeline');
      assert.equal(sent.headers['x-gantry-signature-256'], hmac('s3cret-for-pipelines', sent.body));
      assert.notEqual(sent.headers['x-gantry-signature-256'], hmac('another secret', sent.body));
      assert.deepEqual(JSON.parse(sent.body.toString('utf8')), success.payload);

      // The job hook got the job's events; the pipeline hook, with job_events off, none of them.
      const jobDone = await deliveryWhere(
        id,
        jobs.id,
        (d) => d.status === 'delivered' && d.payload.build_status === 'success',
      );
      assert.equal(jobDone.event, 'job');
      assert.equal(jobDone.payload.object_kind, 'build');
      assert.equal(jobDone.payload.build_name, 'build');
      assert.equal(jobDone.payload.pipeline_id, pipeline.id);
      assert.equal(jobDone.payload.build_id, done.jobs[0]!.id);
      const pipelineLog = await log(id, pipelines.id, '?per_page=100');
      assert.ok(pipelineLog.length >= 1);
      assert.deepEqual([...new Set(pipelineLog.map((d) => d.event))], ['pipeline']);
      assert.ok(receiver.to('/pipelines').every((r) => r.headers['x-gantry-event'] === 'pipeline'));
      const jobLog = await log(id, jobs.id, '?per_page=100');
      assert.deepEqual([...new Set(jobLog.map((d) => d.event))], ['job']);
      const jobRequest = receiver.to('/jobs')[0];
      assert.ok(jobRequest);
      assert.equal(jobRequest.headers['x-gantry-signature-256'], undefined, 'no token, no signature');
      // Newest first.
      const ids = jobLog.map((d) => d.id);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
      );
    });

    test('a failing receiver is retried with backoff: 500, 500, then 200 delivers on the third attempt', async () => {
      const { id } = await project();
      const hook = await addHook(id, { url: receiver.script('/flaky', [500, 500, 200]), token: 'k' });
      const queued = await t.api<Delivery>('POST', `projects/${id}/hooks/${hook.id}/test/pipeline_events`, {
        token: maintainer,
      });
      assert.equal(queued.status, 201, JSON.stringify(queued.body));
      assert.equal(queued.body.event, 'pipeline');
      assert.equal(queued.body.payload.object_kind, 'pipeline');
      const delivered = await deliveryWhere(
        id,
        hook.id,
        (d) => d.id === queued.body.id && d.status !== 'pending',
      );
      assert.equal(delivered.status, 'delivered');
      assert.equal(delivered.attempts, 3);
      assert.equal(delivered.response_status, 200);
      assert.equal(delivered.response_body, 'answer 200');
      assert.equal(delivered.error, null);
      const attempts = receiver.to('/flaky');
      assert.equal(attempts.length, 3);
      assert.ok(attempts.every((r) => r.headers['x-gantry-delivery'] === String(queued.body.id)));
      assert.ok(
        attempts.every((r) => r.body.equals(attempts[0]!.body)),
        'every attempt sends the same body',
      );
      assert.ok(attempts.every((r) => r.headers['x-gantry-signature-256'] === hmac('k', r.body)));
    });

    test('a receiver that keeps failing: the delivery fails after the last attempt, its answer logged', async () => {
      const { id } = await project();
      const hook = await addHook(id, { url: receiver.script('/verbose', [503]) });
      const queued = await t.api<Delivery>('POST', `projects/${id}/hooks/${hook.id}/test/job_events`, {
        token: maintainer,
      });
      assert.equal(queued.status, 201);
      const failed = await deliveryWhere(id, hook.id, (d) => d.status === 'failed');
      assert.equal(failed.attempts, 4, 'three retries after the first attempt');
      assert.equal(failed.response_status, 503);
      assert.equal(failed.response_body?.length, 2048, 'the first 2 KB of the answer');
      assert.match(failed.error ?? '', /503/);
      assert.equal(failed.next_attempt_at, null);
      assert.equal(receiver.to('/verbose').length, 4);

      const down = await addHook(id, { url: 'http://127.0.0.1:1/nothing-listens' });
      await t.api('POST', `projects/${id}/hooks/${down.id}/test/pipeline_events`, { token: maintainer });
      const unreachable = await deliveryWhere(id, down.id, (d) => d.status === 'failed');
      assert.equal(unreachable.response_status, null);
      assert.ok((unreachable.error ?? '').length > 0, 'the network error is logged');
    });

    test('hook tests send a sample of each kind, even without pipelines, deployments or releases', async () => {
      const { id, path } = await project();
      const hook = await addHook(id, { url: receiver.script('/samples', [200]) });
      const kinds = {
        pipeline_events: ['pipeline', 'pipeline'],
        job_events: ['job', 'build'],
        deployment_events: ['deployment', 'deployment'],
        releases_events: ['release', 'release'],
      } as const;
      for (const [trigger, [event, kind]] of Object.entries(kinds)) {
        const queued = await t.api<Delivery>('POST', `projects/${id}/hooks/${hook.id}/test/${trigger}`, {
          token: maintainer,
        });
        assert.equal(queued.status, 201, trigger);
        assert.equal(queued.body.event, event);
        assert.equal(queued.body.payload.object_kind, kind);
        assert.equal(
          (queued.body.payload.project as { path_with_namespace: string }).path_with_namespace,
          path,
        );
      }
      const bad = await t.api('POST', `projects/${id}/hooks/${hook.id}/test/push_events`, {
        token: maintainer,
      });
      assert.equal(bad.status, 400);
      const byDeveloper = await t.api('POST', `projects/${id}/hooks/${hook.id}/test/pipeline_events`, {
        token: developer,
      });
      assert.equal(byDeveloper.status, 403);
      const all = await eventually(
        async () => {
          const entries = await log(id, hook.id);
          return entries.length === 4 && entries.every((d) => d.status === 'delivered') ? entries : undefined;
        },
        async () => JSON.stringify(await log(id, hook.id)),
        30_000,
      );
      assert.deepEqual(
        all.map((d) => d.event),
        ['release', 'deployment', 'job', 'pipeline'],
      );
      const paged = await t.api<Delivery[]>(
        'GET',
        `projects/${id}/hooks/${hook.id}/events?per_page=3&page=2`,
        {
          token: maintainer,
        },
      );
      assert.equal(paged.headers.get('x-total'), '4');
      assert.deepEqual(
        paged.body.map((d) => d.event),
        ['pipeline'],
      );
    });

    test('deployment and release events become deliveries built from their rows', async () => {
      const { id, path } = await project();
      const deployments = await addHook(id, {
        url: receiver.script('/deployments', [200]),
        deployment_events: true,
        releases_events: true,
      });
      const silent = await addHook(id, { url: receiver.script('/silent', [200]), pipeline_events: true });
      const db = t.server.store.db;
      const now = new Date().toISOString();
      const environment = await db
        .insertInto('environments')
        .values({
          project_id: id,
          name: 'review/app-1',
          slug: 'review-app-1-abc123',
          tier: 'development',
          external_url: 'https://app-1.example.com',
          state: 'available',
          kubernetes_namespace: null,
          auto_stop_at: null,
          last_deployment_id: null,
          last_success_deployment_id: null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const deployment = await db
        .insertInto('deployments')
        .values({
          project_id: id,
          iid: 7,
          environment_id: environment.id,
          sha: 'a'.repeat(40),
          ref: 'main',
          tag: 0,
          user_id: null,
          status: 'running',
          action: 'start',
          job_id: null,
          pipeline_id: null,
          deployable_name: null,
          snapshot: null,
          rollback_of: null,
          external_state: null,
          freeze_override_reason: null,
          freeze_override_by: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      t.server.bus.publish('deployment', {
        id: deployment.id,
        projectId: id,
        environmentId: environment.id,
        status: 'success',
        action: 'start',
      });
      const sent = await deliveryWhere(
        id,
        deployments.id,
        (d) => d.event === 'deployment' && d.status === 'delivered',
      );
      assert.deepEqual(
        {
          object_kind: sent.payload.object_kind,
          status: sent.payload.status,
          deployment_id: sent.payload.deployment_id,
          deployment_iid: sent.payload.deployment_iid,
          environment: sent.payload.environment,
          environment_external_url: sent.payload.environment_external_url,
          sha: sent.payload.sha,
          ref: sent.payload.ref,
          deployable_id: sent.payload.deployable_id,
          project: (sent.payload.project as { path_with_namespace: string }).path_with_namespace,
        },
        {
          object_kind: 'deployment',
          status: 'success',
          deployment_id: deployment.id,
          deployment_iid: 7,
          environment: 'review/app-1',
          environment_external_url: 'https://app-1.example.com',
          sha: 'a'.repeat(40),
          ref: 'main',
          deployable_id: null,
          project: path,
        },
      );

      const release = await db
        .insertInto('releases')
        .values({
          project_id: id,
          tag_name: 'v1.0',
          name: 'First',
          description: 'Notes',
          sha: 'b'.repeat(40),
          author_id: null,
          released_at: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      t.server.bus.publish('release', { id: release.id, projectId: id, tagName: 'v1.0', action: 'create' });
      t.server.bus.publish('release', {
        id: release.id + 1000,
        projectId: id,
        tagName: 'v0.9',
        action: 'delete',
      });
      const created = await deliveryWhere(
        id,
        deployments.id,
        (d) => d.event === 'release' && d.payload.action === 'create',
      );
      assert.equal(created.payload.tag_name, 'v1.0');
      assert.equal(created.payload.name, 'First');
      assert.equal(created.payload.description, 'Notes');
      const removed = await deliveryWhere(
        id,
        deployments.id,
        (d) => d.event === 'release' && d.payload.action === 'delete',
      );
      assert.equal(removed.payload.tag_name, 'v0.9');
      // An event for a subject that does not exist sends nothing; the hook without these flags got nothing.
      t.server.bus.publish('deployment', {
        id: 999_999,
        projectId: id,
        environmentId: 1,
        status: 'success',
        action: 'start',
      });
      t.server.bus.publish('pipeline', { id: 999_999, projectId: id, status: 'success' });
      // A project's events are queued in order, so once a later one is logged the two above were handled.
      t.server.bus.publish('release', { id: release.id, projectId: id, tagName: 'v1.0', action: 'update' });
      await deliveryWhere(id, deployments.id, (d) => d.event === 'release' && d.payload.action === 'update');
      assert.deepEqual(
        (await log(id, deployments.id)).map((d) => [
          d.event,
          d.event === 'deployment' ? d.payload.status : d.payload.action,
        ]),
        [
          ['release', 'update'],
          ['release', 'delete'],
          ['release', 'create'],
          ['deployment', 'success'],
        ],
      );
      assert.deepEqual(await log(id, silent.id), []);
    });
  });

  describe(`webhook outbox worker on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let store: Store;
    let receiver: Receiver;
    let secrets: SecretBox;
    let deliveries: HookDeliveryRepository;
    let hooks: ProjectHookRepository;
    let targets: TargetRepository;
    let projectId: number;
    const errors: unknown[] = [];
    const outbox = (options: { backoffSeconds?: number[]; timeoutMs?: number } = {}) =>
      new WebhookOutbox({
        deliveries,
        hooks,
        targets,
        secrets,
        backoffSeconds: options.backoffSeconds ?? [0.05],
        ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
        onError: (error) => errors.push(error),
      });

    before(async () => {
      receiver = await new Receiver().start();
      store = openStore(await freshDatabaseUrl(dialect));
      await store.migrate();
      secrets = new SecretBox(Buffer.alloc(32, 7));
      deliveries = new HookDeliveryRepository(store.db);
      hooks = new ProjectHookRepository(store.db);
      targets = new TargetRepository(store.db);
      const project = await new ProjectRepository(store.db).create(
        {
          name: 'w',
          path: 'worker/w',
          description: '',
          defaultBranch: 'main',
          creatorId: null,
          mirrorUrl: null,
          mirrorUsername: null,
        },
        null,
      );
      projectId = project.id;
    });
    after(async () => {
      await store?.close();
      await receiver?.stop();
      assert.deepEqual(errors, []);
    });

    const hookTo = (path: string, statuses: number[], token: string | null = null) =>
      hooks.insert(
        {
          project_id: projectId,
          url: receiver.script(path, statuses),
          pipeline_events: 1,
          job_events: 0,
          deployment_events: 0,
          release_events: 0,
        },
        token === null ? null : (id) => secrets.encrypt(token, projectHookSecretContext(projectId, id)),
      );

    test('deliveries pending when the worker stops are sent when the next one starts', async () => {
      const hook = await hookTo('/restart', [500, 200]);
      const early = await hookTo('/queued-while-down', [200]);
      // First life: the attempt fails and a retry is scheduled, far enough out to outlive the worker.
      const first = outbox({ backoffSeconds: [0.3] });
      await first.start();
      const id = await first.enqueueForHook(hook, 'pipeline', { n: 1 });
      await eventually(
        async () => ((await deliveries.find(id))?.attempts === 1 ? true : undefined),
        () => 'first attempt',
      );
      await first.stop();
      // Queued while no worker runs (another replica, or just before a crash).
      const queuedId = await first.enqueueForHook(early, 'pipeline', { n: 2 });
      const pending = await deliveries.find(id);
      assert.equal(pending?.status, 'pending');
      assert.equal(pending?.response_status, 500);
      assert.equal((await deliveries.find(queuedId))?.status, 'pending');
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(receiver.to('/restart').length, 1, 'a stopped worker sends nothing');
      assert.equal(receiver.to('/queued-while-down').length, 0);

      const second = outbox({ backoffSeconds: [0.3] });
      await second.start();
      try {
        const delivered = await eventually(
          async () => {
            const row = await deliveries.find(id);
            return row?.status === 'delivered' ? row : undefined;
          },
          async () => JSON.stringify(await deliveries.find(id)),
        );
        assert.equal(delivered.attempts, 2);
        assert.equal(delivered.response_status, 200);
        await eventually(
          async () => ((await deliveries.find(queuedId))?.status === 'delivered' ? true : undefined),
          async () => JSON.stringify(await deliveries.find(queuedId)),
        );
        assert.equal(receiver.to('/queued-while-down').length, 1);
      } finally {
        await second.stop();
      }
    });

    test('target deliveries go to the URL in the target config, signed with the target secret', async () => {
      const target = await targets.insert(
        {
          project_id: null,
          name: 'deployer',
          kind: 'external',
          environment_scope: '*',
          config: JSON.stringify({ url: receiver.script('/target', [202]) }),
        },
        (id) => secrets.encrypt('target-secret', targetSecretContext(id)),
      );
      const worker = outbox();
      await worker.start();
      try {
        const id = await worker.enqueueForTarget(target.id, projectId, 'deployment', {
          deployment: { id: 5 },
        });
        const row = await eventually(
          async () => {
            const found = await deliveries.find(id);
            return found?.status === 'delivered' ? found : undefined;
          },
          async () => JSON.stringify(await deliveries.find(id)),
        );
        assert.equal(row.target_id, target.id);
        assert.equal(row.hook_id, null);
        assert.equal(row.response_status, 202);
        const sent = receiver.to('/target')[0]!;
        assert.equal(sent.headers['x-gantry-event'], 'deployment');
        assert.equal(sent.headers['x-gantry-delivery'], String(id));
        assert.equal(sent.headers['x-gantry-signature-256'], hmac('target-secret', sent.body));
        assert.deepEqual(JSON.parse(sent.body.toString()), { deployment: { id: 5 } });
        assert.deepEqual(
          (await deliveries.list({ targetId: target.id }, { page: 1, perPage: 10 })).map((d) => d.id),
          [id],
        );
      } finally {
        await worker.stop();
      }
    });

    test('an answer slower than the timeout counts as a failed attempt; redirects are not followed', async () => {
      const slow = await hookTo('/hang', [200]);
      const moved = await hookTo('/moved', [302]);
      const worker = outbox({ backoffSeconds: [], timeoutMs: 200 });
      await worker.start();
      try {
        const slowId = await worker.enqueueForHook(slow, 'pipeline', {});
        const movedId = await worker.enqueueForHook(moved, 'pipeline', {});
        const timedOut = await eventually(
          async () => {
            const row = await deliveries.find(slowId);
            return row?.status === 'failed' ? row : undefined;
          },
          async () => JSON.stringify(await deliveries.find(slowId)),
        );
        assert.equal(timedOut.attempts, 1);
        assert.equal(timedOut.response_status, null);
        assert.match(timedOut.error ?? '', /no answer within 0.2 s/);
        const redirected = await eventually(
          async () => {
            const row = await deliveries.find(movedId);
            return row?.status === 'failed' ? row : undefined;
          },
          async () => JSON.stringify(await deliveries.find(movedId)),
        );
        assert.equal(redirected.response_status, 302);
      } finally {
        await worker.stop();
      }
    });

    test('a deleted hook takes its pending deliveries with it', async () => {
      const hook = await hookTo('/deleted', [200]);
      const worker = outbox();
      const id = await worker.enqueueForHook(hook, 'pipeline', {});
      await hooks.delete(hook.id);
      assert.equal(await deliveries.find(id), undefined);
      await worker.start();
      await worker.stop();
      assert.equal(receiver.to('/deleted').length, 0);
    });
  });
}
