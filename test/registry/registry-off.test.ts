import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions, freshDatabaseUrl } from '../support/dialects.ts';
import { runGantry, waitUntilReady } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  jobNamed,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, freePort, startTestServer, type TestServer } from '../support/test-server.ts';
import { basic, unique, v2 } from './registry-helpers.ts';

// Without docker-registry (GANTRY_REGISTRY_BINARY names a missing file) the server still starts,
// with the registry off: no CI_REGISTRY* variables, /v2/ says so, and the log says how to install it.

const MISSING = '/nonexistent/docker-registry';

for (const dialect of DIALECTS) {
  describe(
    `the registry without docker-registry installed (${dialect})`,
    dialectSuiteOptions(dialect),
    () => {
      let t: TestServer;
      let scratch: ScratchDir;

      before(async () => {
        t = await startTestServer(dialect, {
          env: { GANTRY_RUNNER_CONCURRENCY: '1', GANTRY_REGISTRY_BINARY: MISSING },
        });
        scratch = await scratchDir('gantry-registry-off-');
      });
      after(async () => {
        await t?.stop();
        await scratch?.cleanup();
      });

      test('the server runs with the registry off, saying how to install it', () => {
        assert.equal(t.server.registry.host, null);
        assert.match(t.server.registry.offReason ?? '', /apt-get install docker-registry/);
      });

      test('jobs get no CI_REGISTRY variables', async () => {
        const path = `off${unique()}/app`;
        const { id } = (await t.api<{ id: number }>('POST', 'projects', { body: { path } })).body;
        const work = await cloneProject(t, path, join(scratch.path, 'work'));
        const sha = await pushFiles(work, {
          '.gantry.yml':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: shell ${VAR:-default}, not a template
            'job:\n  script:\n    - echo "registry=${CI_REGISTRY:-unset} image=${CI_REGISTRY_IMAGE:-unset} user=${CI_REGISTRY_USER:-unset}"\n',
        });
        const created = await pipelineFor(t, id, sha);
        const { pipeline, jobs } = await waitForPipeline(t, id, created.id);
        const log = await trace(t, id, jobNamed(jobs, 'job').id);
        assert.equal(pipeline.status, 'success', log);
        assert.match(log, /^registry=unset image=unset user=unset$/m);
      });

      test('/v2/ still authenticates, then answers that the registry is off', async () => {
        assert.equal((await v2(t.url, '/v2/')).status, 401);
        const answer = await v2(t.url, '/v2/', { auth: basic('admin', ADMIN_TOKEN) });
        assert.equal(answer.status, 404);
        assert.equal(answer.body.errors?.[0]?.code, 'UNSUPPORTED');
        assert.match(answer.body.errors?.[0]?.message ?? '', /apt-get install docker-registry/);
      });
    },
  );
}

test('`gantry serve` logs how to install docker-registry when it is missing', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gantry-registry-off-'));
  const port = await freePort();
  const server = runGantry(['serve', '--port', String(port), '--data-dir', dataDir], {
    GANTRY_DATABASE_URL: await freshDatabaseUrl('sqlite'),
    GANTRY_INITIAL_ADMIN_TOKEN: ADMIN_TOKEN,
    GANTRY_RUNNER_CONCURRENCY: '0',
    GANTRY_MIRROR_INTERVAL: '0',
    GANTRY_REGISTRY_BINARY: MISSING,
  });
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, server);
    assert.match(
      server.stdout(),
      /the image registry is off: \/nonexistent\/docker-registry is not installed/,
    );
    assert.match(server.stdout(), /apt-get install docker-registry/);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
});
