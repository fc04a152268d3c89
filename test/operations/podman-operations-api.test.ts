import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  cleanUpPodman,
  deployPipeline,
  podmanDependency,
  podmanProject,
  pushAndDeploy,
} from '../podman/podman-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { eventually } from '../support/pipeline-helpers.ts';
import {
  ADMIN_TOKEN,
  createUserWithToken,
  startTestServer,
  type TestServer,
} from '../support/test-server.ts';
import { openShell, readLogs } from './operations-clients.ts';
import { buildShellImage, tickingApp } from './operations-fixtures.ts';

// The environment operations API end to end on real Podman: containers, logs (history, follow,
// filter, the previous run after a crash), a shell over WebSocket with resize and exit code, its
// audit record, who may do what (shell_access, shell_enabled, logs_access), and `gantry logs` /
// `gantry exec` against the same server.

const run = randomBytes(3).toString('hex');
const imagePrefix = `gantry-ops-${run}`;
const exec = promisify(execFile);

describe('Environment operations API on Podman', podmanDependency.options, () => {
  let image: string;

  before(async () => {
    podmanDependency.assertPresent();
    image = await buildShellImage(`${imagePrefix}-app`);
  });
  after(async () => {
    await cleanUpPodman(`ops-${run}-`);
    await cleanUpPodman(imagePrefix);
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
        await cleanUpPodman(`ops-${run}-${dialect}-`);
      });

      test('containers, logs, follow, shell with resize and exit code, audit, roles, CLI', async () => {
        const path = `ops-${run}/${dialect}`;
        const project = await podmanProject(t, work.path, path);
        const deployed = await pushAndDeploy(t, project, {
          'k8s/app.yaml': tickingApp(image),
          '.gantry.yml': deployPipeline('manifests: k8s/\ntimeout: 60s'),
        });
        const production = deployed.deployments.production!;
        assert.equal(production.status, 'success');
        const base = `${t.url}/api/v1/projects/${project.id}/environments/${production.environment.id}`;

        // Containers.
        const containers = await t.api<{
          target_kind: string;
          containers: { pod: string; container: string; state: string }[];
        }>('GET', `projects/${project.id}/environments/${production.environment.id}/containers`);
        assert.equal(containers.status, 200, JSON.stringify(containers.body));
        assert.equal(containers.body.target_kind, 'podman');
        assert.deepEqual(
          containers.body.containers.map((c) => [c.container, c.state]),
          [['app', 'running']],
        );

        // History: the last lines, timestamped, then the end.
        const history = await readLogs(`${base}/logs?tail_lines=3`, ADMIN_TOKEN);
        await history.ended;
        assert.equal(history.events.at(-1)?.event, 'end');
        assert.ok(history.lines().length >= 1 && history.lines().length <= 3, history.lines().join('\n'));
        assert.match(history.lines()[0]!, /^\d{4}-\d\d-\d\dT\S+ tick \d+$/);
        const lastSeen = tickOf(history.lines().at(-1)!);

        // Follow: lines the app prints after the request arrive, none repeated.
        const follow = await readLogs(`${base}/logs?follow=true&tail_lines=2`, ADMIN_TOKEN);
        await follow.until((lines) => lines.some((line) => tickOf(line) > lastSeen + 3));
        const ticks = follow.lines().map(tickOf);
        assert.deepEqual(
          ticks,
          [...new Set(ticks)].sort((a, b) => a - b),
          'in order, without repeats',
        );
        follow.close();

        // Filter: only matching lines.
        const filtered = await readLogs(`${base}/logs?tail_lines=200&filter=TICK%201`, ADMIN_TOKEN);
        await filtered.ended;
        assert.ok(filtered.lines().length > 0);
        assert.ok(
          filtered.lines().every((line) => / tick 1\d*$/.test(line)),
          filtered.lines().join('\n'),
        );

        // A shell: run a command, resize, see the new size, exit with a code.
        const shell = await openShell(`${base}/shell?command=/bin/sh&cols=100&rows=30`, ADMIN_TOKEN);
        shell.type('busybox stty size\n');
        await shell.waitFor('30 100');
        const mark = shell.output().length;
        shell.resize(132, 43);
        shell.type('busybox stty size; echo "host=$HOSTNAME"\n');
        await shell.waitFor('43 132', mark);
        shell.type('exit 3\n');
        const exit = await shell.closed;
        assert.equal(exit.type, 'exit');
        assert.equal(exit.exit_code, 3);
        assert.equal(exit.reason, 'exited');
        assert.equal(shell.messages[0]?.type, 'started');

        // The audit record.
        const sessions = await t.api<
          {
            user: { username: string };
            container: string;
            command: string[];
            exit_code: number;
            end_reason: string;
            duration_seconds: number;
          }[]
        >('GET', `projects/${project.id}/environments/${production.environment.id}/shell_sessions`);
        assert.equal(sessions.status, 200);
        assert.equal(sessions.body.length, 1);
        const [session] = sessions.body;
        assert.deepEqual(
          [
            session!.user.username,
            session!.container,
            session!.command,
            session!.exit_code,
            session!.end_reason,
          ],
          ['admin', 'app', ['/bin/sh'], 3, 'exited'],
        );
        assert.ok(session!.duration_seconds >= 0);
        const audit = await t.api<{ action: string; details: { container: string } }[]>(
          'GET',
          `projects/${project.id}/audit_events?action=shell`,
        );
        assert.equal(audit.body.length, 1);

        // A session cookie opens a shell only from Gantry's own pages, whatever else is sent.
        await createUserWithToken(t, `cookie-${dialect}-${run}`, { admin: true });
        const signIn = await fetch(`${t.url}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `cookie-${dialect}-${run}`, password: 'password-123' }),
        });
        const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? assert.fail('no session cookie');
        const shellUrl = `${base}/shell?command=/bin/sh`;
        const elsewhere = 'https://review-app.example.com';
        await assert.rejects(openShell(shellUrl, { cookie, origin: elsewhere }), /403.*refused/);
        await assert.rejects(
          openShell(shellUrl, { cookie, origin: elsewhere, authorization: 'Basic Zm9vOmJhcg==' }),
          /403.*refused/,
        );
        const own = await openShell(shellUrl, { cookie, origin: new URL(t.url).origin });
        own.type('echo from-the-ui\n');
        await own.waitFor('from-the-ui');
        own.close();
        await own.closed;

        // Roles: developers get no shell until the project allows them; reporters read logs
        // until a protected environment raises logs_access; shell_enabled off refuses everyone.
        const developer = await member(t, project.id, `dev-${dialect}-${run}`, 30);
        const reporter = await member(t, project.id, `rep-${dialect}-${run}`, 20);
        await assert.rejects(openShell(`${base}/shell?command=/bin/sh`, developer), /403/);
        const allow = await t.api('PUT', `projects/${project.id}`, { body: { shell_access: 'developer' } });
        assert.equal(allow.status, 200);
        const devShell = await openShell(`${base}/shell?command=/bin/sh`, developer);
        devShell.type('echo from-developer\n');
        await devShell.waitFor('from-developer');
        devShell.close();
        await devShell.closed;
        // The client hung up: the server ended the shell and recorded why.
        await eventually(
          async () => {
            const listed = await t.api<{ user: { username: string }; end_reason: string | null }[]>(
              'GET',
              `projects/${project.id}/environments/${production.environment.id}/shell_sessions`,
            );
            return listed.body.find((s) => s.user.username.startsWith('dev-') && s.end_reason === 'closed');
          },
          () => 'the developer shell was not recorded as closed',
        );

        const reporterLogs = await readLogs(`${base}/logs?tail_lines=1`, reporter);
        await reporterLogs.ended;
        const protect = await t.api('POST', `projects/${project.id}/protected_environments`, {
          body: { name: 'production', shell_enabled: false, logs_access: 'developer' },
        });
        assert.equal(protect.status, 201, JSON.stringify(protect.body));
        await assert.rejects(readLogs(`${base}/logs?tail_lines=1`, reporter), /403/);
        await (await readLogs(`${base}/logs?tail_lines=1`, developer)).ended;
        await assert.rejects(
          openShell(`${base}/shell?command=/bin/sh`, ADMIN_TOKEN),
          /403.*shells are disabled/,
        );

        // The CLI, against the same server.
        const cli = { ...process.env, GANTRY_URL: t.url, GANTRY_TOKEN: ADMIN_TOKEN };
        const logs = await exec('bin/gantry', ['logs', path, 'production', '--tail', '2'], { env: cli });
        assert.match(logs.stdout, /^\[\S+\/app\] tick \d+$/m);
        await t.api('PUT', `projects/${project.id}/protected_environments/production`, {
          body: { shell_enabled: true },
        });
        const ran = await exec(
          'bin/gantry',
          ['exec', path, 'production', '--', '/bin/sh', '-c', 'echo cli-ran; exit 4'],
          {
            env: cli,
          },
        ).catch((error: { code: number; stdout: string }) => error);
        assert.equal((ran as { code?: number }).code, 4);
        assert.match((ran as { stdout: string }).stdout, /cli-ran/);
      });

      test('the previous run of a container that crashed and restarted', async () => {
        const path = `ops-${run}/${dialect}-crash`;
        const project = await podmanProject(t, work.path, path);
        // The first release is healthy; the second crashes after a few ticks.
        await pushAndDeploy(t, project, {
          'k8s/app.yaml': tickingApp(image),
          '.gantry.yml': deployPipeline('manifests: k8s/\ntimeout: 60s'),
        });
        const crashed = await pushAndDeploy(t, project, {
          'k8s/app.yaml': tickingApp(image, { crashAfter: 3 }),
        });
        const deployment = crashed.deployments.production!;
        assert.equal(deployment.status, 'failed');
        const base = `${t.url}/api/v1/projects/${project.id}/environments/${deployment.environment.id}`;
        const containers = await t.api<{ containers: { container: string; has_previous: boolean }[] }>(
          'GET',
          `projects/${project.id}/environments/${deployment.environment.id}/containers`,
        );
        assert.equal(containers.body.containers[0]?.has_previous, true, JSON.stringify(containers.body));
        const previous = await readLogs(`${base}/logs?previous=true&tail_lines=100`, ADMIN_TOKEN);
        await previous.ended;
        assert.ok(
          previous.lines().some((line) => line.endsWith(' crashing now')),
          previous.lines().join('\n'),
        );
      });
    });
  }
});

function tickOf(line: string): number {
  return Number(/ tick (\d+)$/.exec(line)?.[1] ?? Number.NaN);
}

/** A new user with `level` in the project; their token. */
async function member(t: TestServer, projectId: number, username: string, level: number): Promise<string> {
  const user = await createUserWithToken(t, username);
  const added = await t.api('POST', `projects/${projectId}/members`, {
    body: { user_id: user.id, access_level: level },
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  return user.token;
}
