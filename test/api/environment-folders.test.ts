import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface FolderEntry {
  name: string;
  folder: boolean;
  size: number;
  environment: {
    id: number;
    name: string;
    state: string;
    folder: string | null;
    last_deployment: { id: number; sha: string; status: string } | null;
  };
}

const SHA = (n: number) => n.toString(16).padStart(40, 'c');

// The top level of the environments list: folders collapsed with their size, paginated by entry,
// filtered as the plain list is.
for (const dialect of DIALECTS) {
  describe(`environment folders API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let projectId: number;
    const ids = new Map<string, number>();

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'folders/app' } })).body
        .id;
      const names = ['production', 'review/a', 'review/b', 'review/c', 'review-x', 'staging'];
      for (const [index, name] of names.entries()) {
        const recorded = await t.api<{ environment: { id: number } }>(
          'POST',
          `projects/${projectId}/deployments`,
          { body: { environment: name, sha: SHA(index), ref: 'main', tag: false, status: 'success' } },
        );
        assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
        ids.set(name, recorded.body.environment.id);
      }
      // review/b changed last: the folder stands for it.
      for (const [name, minute] of [
        ['review/a', 1],
        ['review/b', 9],
        ['review/c', 5],
      ] as const) {
        await t.server.store.db
          .updateTable('environments')
          .set({ updated_at: `2026-11-29T12:0${minute}:00.000Z` })
          .where('id', '=', ids.get(name)!)
          .execute();
      }
    });
    after(() => t?.stop());

    const folders = (query = '') =>
      t.api<FolderEntry[]>('GET', `projects/${projectId}/environments/folders${query}`);

    test('folders collapse into one entry with their size and most recently updated environment', async () => {
      const listed = await folders();
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.deepEqual(
        listed.body.map((entry) => [entry.name, entry.folder, entry.size, entry.environment.name]),
        [
          ['production', false, 1, 'production'],
          ['review', true, 3, 'review/b'],
          ['review-x', false, 1, 'review-x'],
          ['staging', false, 1, 'staging'],
        ],
      );
      const review = listed.body[1]!;
      assert.equal(review.environment.folder, 'review');
      assert.equal(review.environment.last_deployment?.sha, SHA(2));
      assert.equal(review.environment.last_deployment?.status, 'success');
      assert.equal(listed.headers.get('x-total'), '4');
    });

    test('pages count entries, not environments', async () => {
      const second = await folders('?per_page=2&page=2');
      assert.deepEqual(
        second.body.map((entry) => entry.name),
        ['review-x', 'staging'],
      );
      assert.equal(second.headers.get('x-total'), '4');
      assert.equal(second.headers.get('x-total-pages'), '2');
      assert.equal(second.headers.get('x-prev-page'), '1');
    });

    test('search and states filter the environments before grouping', async () => {
      const search = await folders('?search=review');
      assert.deepEqual(
        search.body.map((entry) => [entry.name, entry.size]),
        [
          ['review', 3],
          ['review-x', 1],
        ],
      );
      const stop = await t.api('POST', `projects/${projectId}/environments/${ids.get('review/c')}/stop`, {
        body: { force: true },
      });
      assert.equal(stop.status, 200, JSON.stringify(stop.body));
      const stopped = await folders('?states=stopped');
      assert.deepEqual(
        stopped.body.map((entry) => [entry.name, entry.folder, entry.size, entry.environment.name]),
        [['review', true, 1, 'review/c']],
      );
      assert.equal((await folders('?states=gone')).status, 400);
      assert.equal(
        (await t.api('GET', `projects/${projectId}/environments/folders`, { token: null })).status,
        401,
      );
    });
  });
}
