import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deploymentEnds, environmentNamed } from '../deployments/deployment-helpers.ts';
import { pushAndDeploy } from '../podman/podman-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, trace } from '../support/pipeline-helpers.ts';
import { type RunningSshd, sshdSuiteOptions, startSshd } from '../support/sshd.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The SFTP target end to end against real OpenSSH servers that allow SFTP only: releases switched
// atomically where the server allows it (deploy, upgrade, rollback, stop), and a plain copy where it
// refuses replacing renames (no rollback by switching, said so).

const run = randomBytes(3).toString('hex');

function pipeline(text: string): string {
  return `build:
  stage: build
  script:
    - mkdir -p public
    - printf '%s\\n' ${JSON.stringify(text)} > public/index.html
  artifacts: { paths: [public/] }
deploy-production:
  stage: deploy
  environment: { name: production }
  deploy:
    files: public
    keep_releases: 3
`;
}

describe('SFTP target', sshdSuiteOptions(), () => {
  let atomic: RunningSshd;
  let copying: RunningSshd;
  before(async () => {
    atomic = await startSshd({ sftpOnly: {} });
    copying = await startSshd({ sftpOnly: { denyRequests: ['posix-rename'] } });
  });
  after(async () => {
    await atomic?.stop();
    await copying?.stop();
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

      const register = async (server: RunningSshd, name: string) => {
        const path = `sftp-${run}/${dialect}-${name}`;
        const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
        const remoteDir = join(work.path, name);
        const target = await t.api<{ sftp: { mode: string | null; fingerprints: string[] } }>(
          'POST',
          `projects/${created.body.id}/targets`,
          {
            body: {
              name: 'files',
              kind: 'sftp',
              sftp: {
                host: `127.0.0.1:${server.port}`,
                user: 'root',
                remote_dir: remoteDir,
                private_key: server.privateKey,
              },
            },
          },
        );
        assert.equal(target.status, 201, JSON.stringify(target.body));
        const clone = await cloneProject(t, path, join(work.path, `clone-${name}`));
        return { project: { id: created.body.id, clone }, remoteDir, view: target.body.sftp };
      };

      test('releases switched atomically: deploy, upgrade, rollback, stop', async () => {
        const { project, remoteDir, view } = await register(atomic, 'atomic');
        assert.equal(view.mode, 'release');
        assert.match(view.fingerprints[0] ?? '', /^SHA256:/);
        const deploy = async (text: string) =>
          (await pushAndDeploy(t, project, { '.gantry.yml': pipeline(text) })).deployments.production!;
        const live = () => readFileSync(join(remoteDir, 'current', 'index.html'), 'utf8').trim();

        const first = await deploy('version 1');
        assert.equal(first.status, 'success', await trace(t, project.id, first.deployable!.id));
        assert.equal(live(), 'version 1');
        assert.equal(readlinkSync(join(remoteDir, 'current')), `releases/${first.id}`);
        const second = await deploy('version 2');
        assert.equal(second.status, 'success', await trace(t, project.id, second.deployable!.id));
        assert.equal(live(), 'version 2');

        const rollback = await t.api<{ id: number }>(
          'POST',
          `projects/${project.id}/deployments/${first.id}/rollback`,
        );
        assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
        assert.equal((await deploymentEnds(t, project.id, rollback.body.id)).status, 'success');
        assert.equal(live(), 'version 1');

        const environment = await environmentNamed(t, project.id, 'production');
        const stop = await t.api('POST', `projects/${project.id}/environments/${environment.id}/stop`);
        assert.equal(stop.status, 200, JSON.stringify(stop.body));
        await eventually(
          async () => (existsSync(join(remoteDir, 'current')) ? undefined : true),
          () => 'current still there',
        );
        assert.deepEqual(
          readdirSync(join(remoteDir, 'releases'))
            .filter((name) => !name.startsWith('.'))
            .sort(),
          [String(first.id), String(second.id)].sort(),
        );
      });

      test('a server refusing replacing renames gets a plain copy, and no rollback by switching', async () => {
        const { project, remoteDir, view } = await register(copying, 'copying');
        assert.equal(view.mode, 'sync');
        const first = await pushAndDeploy(t, project, { '.gantry.yml': pipeline('copied 1') });
        const deployed = first.deployments.production!;
        assert.equal(deployed.status, 'success', await trace(t, project.id, deployed.deployable!.id));
        assert.equal(readFileSync(join(remoteDir, 'index.html'), 'utf8').trim(), 'copied 1');
        assert.match(await trace(t, project.id, deployed.deployable!.id), /no release to roll back to/);
        const second = await pushAndDeploy(t, project, { '.gantry.yml': pipeline('copied 2') });
        assert.equal(second.deployments.production!.status, 'success');
        const rollback = await t.api<{ id: number }>(
          'POST',
          `projects/${project.id}/deployments/${deployed.id}/rollback`,
        );
        assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
        const refused = await deploymentEnds(t, project.id, rollback.body.id);
        assert.equal(refused.status, 'failed');
        assert.equal(readFileSync(join(remoteDir, 'index.html'), 'utf8').trim(), 'copied 2');
      });
    });
  }
});
