import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deployment, deploymentEnds, environmentNamed } from '../deployments/deployment-helpers.ts';
import { pushAndDeploy } from '../podman/podman-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  jobNamed,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { sshdSuiteOptions } from '../support/sshd.ts';
import { type SshdFleet, startSshdFleet } from '../support/sshd-fleet.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The SSH target end to end against a real OpenSSH sshd on loopback: registration records the
// host's key, a build job's artifacts become releases on two "hosts" (two sshd ports), upgrade,
// a failing health check keeps the previous release live everywhere, rollback, stop, and a host
// whose key changed refused with nothing changed.

const run = randomBytes(3).toString('hex');

interface SshSnapshotView {
  kind: string;
  release: string;
  files: { path: string; size: number; sha256: string }[];
  hosts: { host: string; port: number; previous: string | null }[];
}

/** A pipeline whose build job writes public/index.html saying `text`, shipped by an SSH deploy. */
function pipeline(text: string, stopFile: string): string {
  return `build:
  stage: build
  script:
    - mkdir -p public/css
    - printf '%s\\n' ${JSON.stringify(text)} > public/index.html
    - echo 'body {}' > public/css/site.css
  artifacts: { paths: [public/] }
deploy-production:
  stage: deploy
  environment: { name: production }
  deploy:
    files: public
    health_check: { command: "! grep -q broken index.html", timeout: 5s }
    keep_releases: 2
    stop: touch ${stopFile}
`;
}

describe('SSH target', sshdSuiteOptions(), () => {
  let fleet: SshdFleet;
  before(async () => {
    fleet = await startSshdFleet();
  });
  after(async () => {
    await fleet?.stop();
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

      test('register, deploy, upgrade, failing health check, rollback, stop; a changed host key refused', async () => {
        const deployTo = join(fleet.hostsDir, dialect);
        const onSecondHost = join(fleet.secondDisk, dialect);
        const stopFile = join(work.path, 'stopped');
        const [one, two] = fleet.servers;
        const created = await t.api<{ id: number }>('POST', 'projects', {
          body: { path: `ssh-${run}/${dialect}` },
        });
        assert.equal(created.status, 201);
        const projectId = created.body.id;
        const hosts = [`127.0.0.1:${one.port}`, `127.0.0.1:${two.port}`];

        // Registration checks every host; a wrong key is refused and nothing is stored.
        const refused = await t.api('POST', `projects/${projectId}/targets`, {
          body: {
            name: 'hosts',
            kind: 'ssh',
            ssh: {
              hosts,
              user: 'root',
              deploy_to: deployTo,
              private_key: two.privateKey.replace(/[A-Za-z]{8}/, 'AAAAAAAA'),
            },
          },
        });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        const target = await t.api<{
          id: number;
          ssh: { hosts: { port: number; known_hosts: string; fingerprints: string[] }[]; auth: string[] };
        }>('POST', `projects/${projectId}/targets`, {
          body: {
            name: 'hosts',
            kind: 'ssh',
            ssh: { hosts, user: 'root', deploy_to: deployTo, private_key: one.privateKey },
          },
        });
        assert.equal(target.status, 201, JSON.stringify(target.body));
        assert.deepEqual(target.body.ssh.auth, ['private_key']);
        assert.equal(target.body.ssh.hosts[0]!.known_hosts.trim(), one.knownHosts.trim());
        assert.match(target.body.ssh.hosts[1]!.fingerprints[0] ?? '', /^SHA256:/);
        assert.doesNotMatch(JSON.stringify(target.body), /PRIVATE KEY/);

        const clone = await cloneProject(t, `ssh-${run}/${dialect}`, join(work.path, 'clone'));
        const project = { id: projectId, clone };
        const deployed = async (text: string) =>
          (await pushAndDeploy(t, project, { '.gantry.yml': pipeline(text, stopFile) })).deployments
            .production!;
        // What each host serves; they must always agree.
        const live = () => {
          const [first, second] = [deployTo, onSecondHost].map((dir) =>
            readFileSync(join(dir, 'current', 'index.html'), 'utf8').trim(),
          );
          assert.equal(second, first, 'both hosts run the same release');
          return first;
        };

        // 1. Deploy: the release is the deployment's id, current points at it.
        const first = await deployed('version 1');
        assert.equal(first.status, 'success', await trace(t, projectId, first.deployable!.id));
        assert.equal(live(), 'version 1');
        assert.equal(readlinkSync(join(deployTo, 'current')), `releases/${first.id}`);
        const snapshot = first.snapshot as unknown as SshSnapshotView;
        assert.equal(snapshot.kind, 'ssh');
        assert.equal(snapshot.release, String(first.id));
        assert.deepEqual(
          snapshot.files.map((file) => file.path),
          ['css/site.css', 'index.html'],
        );
        assert.deepEqual(
          snapshot.hosts.map((host) => [host.port, host.previous]),
          [
            [one.port, null],
            [two.port, null],
          ],
        );

        // 2. Upgrade.
        const second = await deployed('version 2');
        assert.equal(second.status, 'success', await trace(t, projectId, second.deployable!.id));
        assert.equal(live(), 'version 2');

        // 3. A release failing its health check: the previous one stays live on every host.
        const broken = await deployed('version 3 broken');
        assert.equal(broken.status, 'failed');
        assert.match(await trace(t, projectId, broken.deployable!.id), /health check/i);
        assert.equal(live(), 'version 2');
        assert.equal(readlinkSync(join(deployTo, 'current')), `releases/${second.id}`);
        const production = await environmentNamed(t, projectId, 'production');

        // 4. Rollback to the first release: a new deployment switching current back.
        const rollback = await t.api<{ id: number }>(
          'POST',
          `projects/${projectId}/deployments/${first.id}/rollback`,
        );
        assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
        const rolledBack = await deploymentEnds(t, projectId, rollback.body.id);
        assert.equal(rolledBack.status, 'success', JSON.stringify(rolledBack));
        assert.equal(live(), 'version 1');
        // 5. A host whose key changed is refused: nothing changes on it.
        await two.rotateHostKey();
        const refusedDeploy = await deployed('version 4');
        assert.equal(refusedDeploy.status, 'failed');
        assert.match(await trace(t, projectId, refusedDeploy.deployable!.id), /host key/i);
        assert.equal(live(), 'version 1');

        // 6. Stop runs the stop command on the hosts.
        const stop = await t.api('POST', `projects/${projectId}/environments/${production.id}/stop`);
        assert.equal(stop.status, 200, JSON.stringify(stop.body));
        await eventually(
          async () => (existsSync(stopFile) ? true : undefined),
          () => 'the stop command did not run',
        );
        const stopped = await deployment(t, projectId, rolledBack.id);
        assert.equal(stopped.status, 'success');

        // 7. A script: deployment job of an environment the target serves reaches its hosts with the
        // key and the recorded host keys it is handed (the first host's key is still the recorded one).
        const sha = await pushFiles(clone, {
          '.gantry.yml': `peek:
  environment: { name: production }
  script:
    - test "$(stat -c %a "$SSH_PRIVATE_KEY")" = 600
    - ssh -i "$SSH_PRIVATE_KEY" -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o BatchMode=yes -p "$SSH_PORT" "$SSH_USER@$SSH_HOST" cat "$SSH_DEPLOY_TO/current/index.html"
`,
        });
        const { pipeline: peeked, jobs } = await waitForPipeline(
          t,
          projectId,
          (await pipelineFor(t, projectId, sha)).id,
        );
        const peekLog = await trace(t, projectId, jobNamed(jobs, 'peek').id);
        assert.equal(peeked.status, 'success', peekLog);
        assert.match(peekLog, /version 1/);
        assert.doesNotMatch(peekLog, /PRIVATE KEY/);
      });
    });
  }
});
