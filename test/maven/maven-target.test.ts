import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deploymentEnds, environmentNamed } from '../deployments/deployment-helpers.ts';
import { pushAndDeploy } from '../podman/podman-helpers.ts';
import { skipOutsideCi } from '../runner/real-dependency.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { mavenCliUnavailableReason, resolveWithMaven } from '../support/maven-cli.ts';
import {
  mavenRepositoryUnavailableReason,
  type RunningMavenRepository,
  startMavenRepository,
} from '../support/maven-repository.ts';
import { cloneProject, trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The Maven target end to end against nginx (WebDAV) on loopback, resolved by real mvn: a build
// job's jar published as a version, a release never published twice, an upgrade, a rollback
// making the first version the one RELEASE resolves to again, and stop leaving the repository be.

const run = randomBytes(3).toString('hex');
const unavailable = mavenRepositoryUnavailableReason() ?? mavenCliUnavailableReason();
const suiteOptions = skipOutsideCi(unavailable);

/** A build job making a "jar" saying `content`, and a Maven deploy of it as `version`. */
function pipeline(group: string, version: string, content: string): string {
  return `variables: { VERSION: "${version}" }
build:
  stage: build
  script:
    - mkdir -p target
    - printf '%s' ${JSON.stringify(content)} > target/cart.jar
  artifacts: { paths: [target/] }
publish:
  stage: deploy
  environment: { name: maven-central }
  deploy:
    files: target
    maven:
      group_id: ${group}
      artifact_id: cart
      version: $VERSION
      artifacts: [cart.jar]
`;
}

describe('Maven target', suiteOptions, () => {
  let repository: RunningMavenRepository;
  let mvnWork: string;
  before(async () => {
    if (unavailable !== undefined) throw new Error(unavailable);
    repository = await startMavenRepository();
    mvnWork = mkdtempSync(join(tmpdir(), 'gantry-mvn-'));
  });
  after(async () => {
    await repository?.stop();
    if (mvnWork) rmSync(mvnWork, { recursive: true, force: true });
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, dialectSuiteOptions(dialect), () => {
      let t: TestServer;
      let work: { path: string; cleanup(): Promise<void> };
      before(async () => {
        t = await startTestServer(dialect);
        work = await scratchDir();
      });
      after(async () => {
        await t?.stop();
        await work?.cleanup();
      });

      test('register, publish, a release never overwritten, upgrade, rollback, stop', async () => {
        const group = `com.example.r${run}.${dialect}`;
        const groupPath = group.replaceAll('.', '/');
        const path = `maven-${run}/${dialect}`;
        const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
        const projectId = created.body.id;
        const settings = {
          url: repository.url,
          username: repository.username,
          password: repository.password,
        };

        const refused = await t.api<{ error: { message: string } }>('POST', `projects/${projectId}/targets`, {
          body: { name: 'repo', kind: 'maven', maven: { ...settings, password: 'wrong' } },
        });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.match(refused.body.error.message, /401/);
        const target = await t.api<{ maven: { url: string; username: string; password_set: boolean } }>(
          'POST',
          `projects/${projectId}/targets`,
          { body: { name: 'repo', kind: 'maven', maven: settings } },
        );
        assert.equal(target.status, 201, JSON.stringify(target.body));
        assert.deepEqual(target.body.maven, {
          url: repository.url,
          username: repository.username,
          password_set: true,
        });

        const clone = await cloneProject(t, path, join(work.path, 'clone'));
        const project = { id: projectId, clone };
        const publish = async (version: string, content: string) =>
          (
            await pushAndDeploy(t, project, { '.gantry.yml': pipeline(group, version, content) }, [
              'maven-central',
            ])
          ).deployments['maven-central']!;
        const resolved = async (version: string) => {
          const resolution = await resolveWithMaven(repository.url, `${group}:cart:${version}`, mvnWork);
          assert.ok(resolution.ok, resolution.output);
          return resolution.output;
        };

        // 1. Publish 1.0.0: real mvn resolves it, checksums checked.
        const first = await publish('1.0.0', 'cart one');
        assert.equal(first.status, 'success', await trace(t, projectId, first.deployable!.id));
        assert.match(await resolved('1.0.0'), /cart-1\.0\.0\.jar/);
        assert.equal(
          readFileSync(join(repository.root, groupPath, 'cart/1.0.0/cart-1.0.0.jar'), 'utf8'),
          'cart one',
        );

        // 2. The same release again is refused, and the published jar is untouched.
        const again = await publish('1.0.0', 'cart one, changed');
        assert.equal(again.status, 'failed');
        assert.match(await trace(t, projectId, again.deployable!.id), /never overwritten/);
        assert.equal(
          readFileSync(join(repository.root, groupPath, 'cart/1.0.0/cart-1.0.0.jar'), 'utf8'),
          'cart one',
        );

        // 3. Upgrade: 1.1.0 becomes what RELEASE resolves to.
        const second = await publish('1.1.0', 'cart two');
        assert.equal(second.status, 'success', await trace(t, projectId, second.deployable!.id));
        assert.match(await resolved('RELEASE'), /cart\/1\.1\.0\/cart-1\.1\.0\.jar/);

        // 4. Rollback to the first deployment: RELEASE resolves to 1.0.0 again; 1.1.0 stays published.
        const rollback = await t.api<{ id: number }>(
          'POST',
          `projects/${projectId}/deployments/${first.id}/rollback`,
        );
        assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
        assert.equal((await deploymentEnds(t, projectId, rollback.body.id)).status, 'success');
        assert.match(await resolved('RELEASE'), /cart\/1\.0\.0\/cart-1\.0\.0\.jar/);
        assert.match(await resolved('1.1.0'), /cart-1\.1\.0\.jar/);

        // 5. Stop: the environment stops; nothing is deleted from the repository.
        const environment = await environmentNamed(t, projectId, 'maven-central');
        const stop = await t.api('POST', `projects/${projectId}/environments/${environment.id}/stop`);
        assert.equal(stop.status, 200, JSON.stringify(stop.body));
        assert.equal((await environmentNamed(t, projectId, 'maven-central')).state, 'stopped');
        assert.match(await resolved('1.0.0'), /cart-1\.0\.0\.jar/);
      });
    });
  }
});
