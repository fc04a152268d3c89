import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deploymentEnds, environmentNamed } from '../deployments/deployment-helpers.ts';
import { pushAndDeploy } from '../podman/podman-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, trace } from '../support/pipeline-helpers.ts';
import { sshdSuiteOptions } from '../support/sshd.ts';
import { type SshdFleet, startSshdFleet } from '../support/sshd-fleet.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The Ansible target end to end: real ansible-playbook over SSH to two real sshd "hosts" (the second
// sees its own disk where the first has `hosts/`), the playbook from the repository at the
// deployment's commit, the job's variables as extra vars (a masked one masked in the log), the
// play recap deciding the outcome, check mode as a dry run, rollback and stop.

const run = randomBytes(3).toString('hex');
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: refuse a broken release
      ansible.builtin.fail: { msg: "version {{ VERSION }} is broken" }
      when: VERSION == 'broken' and gantry_action == 'deploy'
    - name: write the release
      ansible.builtin.copy:
        dest: "{{ OUT_DIR }}/release.txt"
        content: "{{ VERSION }} {{ CI_ENVIRONMENT_NAME }}\\n"
      when: gantry_action == 'deploy'
    - name: take it away
      ansible.builtin.file: { path: "{{ OUT_DIR }}/release.txt", state: absent }
      when: gantry_action == 'stop'
    - ansible.builtin.debug: { msg: "connecting with {{ DB_PASSWORD }}" }
`;

function pipeline(version: string, outDir: string, options: { check?: boolean } = {}): string {
  return `variables: { VERSION: "${version}", OUT_DIR: "${outDir}" }
deploy-production:
  stage: deploy
  environment: { name: production }
  deploy:
    playbook: deploy/site.yml${options.check ? '\n    check: true' : ''}
`;
}

describe('Ansible target', sshdSuiteOptions(), () => {
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

      test('register, play, a failing play, a dry run, rollback, stop; masked variables stay masked', async () => {
        const [one, two] = fleet.servers;
        const outDir = join(fleet.hostsDir, dialect);
        mkdirSync(outDir);
        mkdirSync(join(fleet.secondDisk, dialect));
        const released = () => {
          const [first, second] = [outDir, join(fleet.secondDisk, dialect)].map((dir) =>
            existsSync(join(dir, 'release.txt'))
              ? readFileSync(join(dir, 'release.txt'), 'utf8').trim()
              : null,
          );
          assert.equal(second, first, 'both hosts ran the same play');
          return first;
        };
        const path = `ansible-${run}/${dialect}`;
        const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
        const projectId = created.body.id;
        const secret = `s3cret-${run}`;
        const variable = await t.api('POST', `projects/${projectId}/variables`, {
          body: { key: 'DB_PASSWORD', value: secret, masked: true },
        });
        assert.equal(variable.status, 201, JSON.stringify(variable.body));
        const target = await t.api<{ ansible: { hosts: { name: string; fingerprints: string[] }[] } }>(
          'POST',
          `projects/${projectId}/targets`,
          {
            body: {
              name: 'fleet',
              kind: 'ansible',
              ansible: {
                hosts: [`web1=127.0.0.1:${one.port}`, `web2=127.0.0.1:${two.port}`],
                groups: { web: ['web1', 'web2'] },
                user: 'root',
                private_key: one.privateKey,
              },
            },
          },
        );
        assert.equal(target.status, 201, JSON.stringify(target.body));
        assert.deepEqual(
          target.body.ansible.hosts.map((host) => host.name),
          ['web1', 'web2'],
        );
        const clone = await cloneProject(t, path, join(work.path, 'clone'));
        const project = { id: projectId, clone };
        const deploy = async (version: string, options: { check?: boolean } = {}) =>
          (
            await pushAndDeploy(t, project, {
              '.gantry.yml': pipeline(version, outDir, options),
              'deploy/site.yml': PLAYBOOK,
            })
          ).deployments.production!;

        // 1. A play: both hosts get the release; the recap is in the snapshot; the secret is masked.
        const first = await deploy('1');
        const firstLog = await trace(t, projectId, first.deployable!.id);
        assert.equal(first.status, 'success', firstLog);
        assert.equal(released(), '1 production');
        assert.match(firstLog, /PLAY RECAP/);
        assert.doesNotMatch(firstLog, new RegExp(secret));
        assert.match(firstLog, /connecting with \[MASKED\]/);
        const snapshot = first.snapshot as unknown as {
          kind: string;
          recap: { host: string; changed: number }[];
        };
        assert.equal(snapshot.kind, 'ansible');
        assert.deepEqual(
          snapshot.recap.map((line) => [line.host, line.changed]),
          [
            ['web1', 1],
            ['web2', 1],
          ],
        );

        // 2. Upgrade.
        const second = await deploy('2');
        assert.equal(second.status, 'success', await trace(t, projectId, second.deployable!.id));
        assert.equal(released(), '2 production');

        // 3. A failing play fails the deployment, naming the hosts.
        const broken = await deploy('broken');
        assert.equal(broken.status, 'failed');
        assert.match(await trace(t, projectId, broken.deployable!.id), /web1 failed=1 unreachable=0/);
        const brokenRecap = (broken.snapshot as unknown as { recap: { host: string; failed: number }[] })
          .recap;
        assert.deepEqual(
          brokenRecap.map((line) => [line.host, line.failed]),
          [
            ['web1', 1],
            ['web2', 1],
          ],
          'the recap of a failed play is kept',
        );

        // 4. A dry run reports what would change, changes nothing, and leaves the environment where it was.
        const dry = await deploy('3', { check: true });
        const dryLog = await trace(t, projectId, dry.deployable!.id);
        assert.equal(dry.status, 'success', dryLog);
        assert.match(dryLog, /Dry run \(check mode\)/);
        assert.match(dryLog, /changed=1/);
        assert.equal(released(), '2 production');
        const environment = await environmentNamed(t, projectId, 'production');
        assert.equal(environment.last_successful_deployment?.id, second.id);

        const toDryRun = await t.api<{ error: { message: string } }>(
          'POST',
          `projects/${projectId}/deployments/${dry.id}/rollback`,
        );
        assert.equal(toDryRun.status, 400, JSON.stringify(toDryRun.body));
        assert.match(toDryRun.body.error.message, /dry run/);

        // 5. Rollback plays the first deployment's commit again.
        const rollback = await t.api<{ id: number }>(
          'POST',
          `projects/${projectId}/deployments/${first.id}/rollback`,
        );
        assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
        const rolledBack = await deploymentEnds(t, projectId, rollback.body.id);
        assert.equal(rolledBack.status, 'success', JSON.stringify(rolledBack));
        assert.equal(released(), '1 production');

        // 6. Stop plays it with gantry_action=stop.
        const stop = await t.api('POST', `projects/${projectId}/environments/${environment.id}/stop`);
        assert.equal(stop.status, 200, JSON.stringify(stop.body));
        const gone = () =>
          [outDir, join(fleet.secondDisk, dialect)].every((dir) => !existsSync(join(dir, 'release.txt')));
        await eventually(
          async () => (gone() ? true : undefined),
          () => 'release.txt still there',
        );
      });
    });
  }
});
