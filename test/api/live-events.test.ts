import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import {
  ADMIN_TOKEN,
  createUserWithToken,
  startTestServer,
  type TestServer,
} from '../support/test-server.ts';

interface LiveEvent {
  event: string;
  data: Record<string, unknown>;
}

/** An open `GET /events/stream`, read message by message (comments skipped). */
interface LiveStream {
  response: Response;
  /** The next message, waiting for it if need be. */
  next(): Promise<LiveEvent>;
  /** Reads until a message matches; returns it and every message read on the way (it included). */
  until(match: (message: LiveEvent) => boolean): Promise<{ found: LiveEvent; read: LiveEvent[] }>;
  close(): Promise<void>;
}

async function openStream(
  t: TestServer,
  query: string,
  headers: Record<string, string>,
): Promise<LiveStream> {
  const response = await fetch(`${t.url}/api/v1/events/stream${query}`, { headers });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<LiveEvent> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n').filter((line) => !line.startsWith(':'));
        if (lines.length === 0) continue;
        const field = (name: string) =>
          lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
        return { event: field('event'), data: JSON.parse(field('data')) as Record<string, unknown> };
      }
      const { value, done } = await reader.read();
      if (done) assert.fail(`the stream ended; unread: ${buffer}`);
      buffer += decoder.decode(value, { stream: true });
    }
  };
  return {
    response,
    next,
    async until(match) {
      const read: LiveEvent[] = [];
      for (;;) {
        const message = await next();
        read.push(message);
        if (match(message)) return { found: message, read };
      }
    },
    close: () => reader.cancel(),
  };
}

const PIPELINE = 'deploy:\n  when: manual\n  environment: production\n  script: [echo deploying]\n';

for (const dialect of DIALECTS) {
  describe(`live events stream on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let reader: { id: number; token: string };
    let readable: { id: number; path: string };
    let hidden: { id: number; path: string };
    let counter = 0;

    const project = async () => {
      const path = `live/p${counter++}`;
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return { id: created.body.id, path };
    };
    /** Records a deployment made by another tool: the deployment event the stream forwards. */
    const recordDeployment = async (projectId: number, environment = 'staging') => {
      const created = await t.api<{ id: number; environment: { id: number } }>(
        'POST',
        `projects/${projectId}/deployments`,
        { body: { environment, sha: 'c'.repeat(40), ref: 'main', tag: false, status: 'success' } },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      scratch = await scratchDir();
      reader = await createUserWithToken(t, 'live-reader', { password: 'reader-password' });
      readable = await project();
      hidden = await project();
      const added = await t.api('POST', `projects/${readable.id}/members`, {
        body: { user_id: reader.id, access_level: 20 },
      });
      assert.equal(added.status, 201);
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    test('a push to a readable project streams its push, pipeline and job events with snake_case fields', async () => {
      const stream = await openStream(t, '', bearer(reader.token));
      try {
        assert.equal(stream.response.status, 200);
        assert.equal(stream.response.headers.get('content-type'), 'text/event-stream');
        assert.deepEqual(await stream.next(), { event: 'ready', data: {} });
        const work = await cloneProject(t, readable.path, join(scratch.path, 'readable'));
        const sha = await pushFiles(work, { '.gantry.yml': PIPELINE });
        const { found: job, read } = await stream.until((m) => m.event === 'job');
        const push = read.find((m) => m.event === 'push');
        assert.ok(push, JSON.stringify(read));
        assert.deepEqual(
          { ...push.data, id: 0, created_at: '' },
          {
            project_id: readable.id,
            id: 0,
            ref: 'refs/heads/main',
            before: '0'.repeat(40),
            after: sha,
            user_id: 1,
            created_at: '',
          },
        );
        // The pipeline settles after its job is created (a loaded machine reads it earlier).
        const pipelines = await eventually(
          async () => {
            const list = await t.api<Array<{ id: number; status: string }>>(
              'GET',
              `projects/${readable.id}/pipelines`,
            );
            return ['created', 'pending', 'running'].includes(list.body[0]?.status ?? 'created')
              ? undefined
              : list;
          },
          () => 'the pipeline did not settle',
        );
        const jobs = await t.api<Array<{ id: number }>>('GET', `projects/${readable.id}/jobs`);
        assert.deepEqual(job.data, {
          project_id: readable.id,
          id: jobs.body[0]!.id,
          pipeline_id: pipelines.body[0]!.id,
          name: 'deploy',
          status: 'manual',
        });
        // A pipeline of one manual job is done (it may be played later): the same status as the API.
        const { found: pipeline } = await stream.until(
          (m) =>
            m.event === 'pipeline' && (m.data as { status?: string }).status === pipelines.body[0]!.status,
        );
        assert.deepEqual(pipeline.data, {
          project_id: readable.id,
          id: pipelines.body[0]!.id,
          status: pipelines.body[0]!.status,
        });
      } finally {
        await stream.close();
      }
    });

    test('events of projects the user cannot read never arrive', async () => {
      const stream = await openStream(t, '', bearer(reader.token));
      try {
        assert.equal((await stream.next()).event, 'ready');
        const unseen = await recordDeployment(hidden.id);
        const seen = await recordDeployment(readable.id);
        // Events leave in publish order: once the later one arrived, the earlier one was judged.
        const { found, read } = await stream.until((m) => m.event === 'deployment');
        assert.deepEqual(found.data, {
          project_id: readable.id,
          id: seen.id,
          environment_id: seen.environment.id,
          status: 'success',
          action: 'start',
        });
        assert.ok(
          read.every((m) => m.data.project_id !== hidden.id && m.data.id !== unseen.id),
          JSON.stringify(read),
        );
      } finally {
        await stream.close();
      }
    });

    test('project_id narrows the stream to one project; an unreadable one is not found', async () => {
      const stream = await openStream(t, `?project_id=${hidden.id}`, bearer(reader.token));
      assert.equal(stream.response.status, 404);
      await stream.close();

      // The admin reads both projects; the filter keeps only one.
      const filtered = await openStream(t, `?project_id=${hidden.id}`, bearer(ADMIN_TOKEN));
      try {
        assert.equal((await filtered.next()).event, 'ready');
        await recordDeployment(readable.id);
        const wanted = await recordDeployment(hidden.id, 'production');
        const { found, read } = await filtered.until((m) => m.event === 'deployment');
        assert.equal(found.data.id, wanted.id);
        assert.ok(
          read.every((m) => m.data.project_id === undefined || m.data.project_id === hidden.id),
          JSON.stringify(read),
        );
      } finally {
        await filtered.close();
      }
    });

    test('without credentials the stream answers 401; a session cookie opens it', async () => {
      const anonymous = await fetch(`${t.url}/api/v1/events/stream`);
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'unauthorized');

      const signIn = await fetch(`${t.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'live-reader', password: 'reader-password' }),
      });
      assert.equal(signIn.status, 200);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
      const stream = await openStream(t, '', { cookie });
      try {
        assert.equal(stream.response.status, 200);
        assert.equal((await stream.next()).event, 'ready');
        const recorded = await recordDeployment(readable.id);
        const { found } = await stream.until((m) => m.event === 'deployment');
        assert.equal(found.data.id, recorded.id);
      } finally {
        await stream.close();
      }
    });
  });
}
