import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  deployPipeline,
  kubeProject,
  productionOf,
  pushAndDeploy,
} from '../kubernetes/kubernetes-deploy-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { type KubeRigClient, kubeRigSuiteOptions, useKubeRig } from '../support/kube-rig.ts';
import { eventually, trace } from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';
import { openShell, readLogs } from './operations-clients.ts';
import { rigTickingApp } from './operations-fixtures.ts';

// The environment operations API end to end against the Kubernetes rig's real API server: the
// pods' containers, logs merged from two replicas and followed live, a line written from a shell
// reaching a follower, a shell with resize and exit code, the previous container after a crash
// loop, and the graphs' samples from the metrics API. The rig's kubelet-like server makes the fake
// containers print (docs/kube-rig.md): a start line, ticks on request, a crash line.

const run = randomBytes(2).toString('hex');

const pipeline = deployPipeline('manifests: k8s/\ntimeout: 60s');

for (const dialect of DIALECTS) {
  describe(`Environment operations API on Kubernetes (${dialect})`, {
    ...dialectSuiteOptions(dialect),
    ...kubeRigSuiteOptions(),
  }, () => {
    let t: TestServer;
    let rig: KubeRigClient;
    let work: { path: string; cleanup(): Promise<void> };

    before(async () => {
      rig = await useKubeRig();
      t = await startTestServer(dialect, { env: { GANTRY_METRICS_INTERVAL_SECONDS: '1' } });
      work = await scratchDir();
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    test('containers, merged and followed logs, a shell writing to the log, metrics, previous after a crash loop', async () => {
      const project = await kubeProject(t, rig, work.path, `ops-${run}/${dialect}`);
      const deployed = await pushAndDeploy(t, project, {
        'k8s/app.yaml': rigTickingApp('registry.local/ops/app:1'),
        '.gantry.yml': pipeline,
      });
      assert.equal(
        deployed.deployment.status,
        'success',
        await trace(t, project.id, deployed.deployment.deployable!.id),
      );
      const environment = await productionOf(t, project.id);
      const api = `projects/${project.id}/environments/${environment.id}`;
      const base = `${t.url}/api/v1/${api}`;

      const containers = await t.api<{
        target_kind: string;
        containers: { pod: string; container: string; state: string }[];
      }>('GET', `${api}/containers`);
      assert.equal(containers.status, 200, JSON.stringify(containers.body));
      assert.equal(containers.body.target_kind, 'kubernetes');
      assert.equal(containers.body.containers.length, 2);
      assert.ok(containers.body.containers.every((c) => c.container === 'app' && c.state === 'running'));
      const pods = containers.body.containers.map((c) => c.pod).sort();

      // History of both replicas, each line tagged with its pod.
      const history = await readLogs(`${base}/logs?tail_lines=50`, ADMIN_TOKEN);
      await history.ended;
      const sources = new Set(
        history.events
          .filter((e) => e.event === 'logs')
          .map((e) => (JSON.parse(e.data) as { source: string }).source),
      );
      assert.deepEqual(
        [...sources].sort(),
        pods.map((pod) => `${pod}/app`),
      );
      assert.ok(
        history.lines().some((line) => line.includes('rig: started container app')),
        history.lines().join('\n'),
      );

      // Follow one pod; a shell in it appends a line to its log, which reaches the follower.
      const pod = pods[0]!;
      const follow = await readLogs(`${base}/logs?follow=true&tail_lines=0&pod=${pod}`, ADMIN_TOKEN);
      await follow.until((lines) => lines.some((line) => line.includes('rig: tick')));
      const shell = await openShell(`${base}/shell?pod=${pod}&container=app&cols=90&rows=20`, ADMIN_TOKEN);
      shell.type(`echo from-shell-${run} >> "$RIG_CONTAINER_LOG"; stty size\n`);
      await shell.waitFor('20 90');
      await follow.until((lines) => lines.some((line) => line.endsWith(`from-shell-${run}`)));
      follow.close();
      const mark = shell.output().length;
      shell.resize(140, 50);
      shell.type('stty size\n');
      await shell.waitFor('50 140', mark);
      shell.type('exit 5\n');
      const exit = await shell.closed;
      assert.deepEqual([exit.exit_code, exit.reason], [5, 'exited']);

      // Samples from the metrics API reach the graphs: 250 millicores and 64 MiB per pod.
      const metrics = await eventually(
        async () => {
          const got = await t.api<{ series: { pod: string; metric: string; v: number[] }[] }>(
            'GET',
            `${api}/metrics`,
          );
          const cpu = got.body.series?.filter((s) => s.metric === 'cpu_cores' && s.v.length > 0) ?? [];
          return cpu.length === 2 ? got.body : undefined;
        },
        () => 'no CPU samples for both pods',
      );
      for (const series of metrics.series.filter((s) => s.metric === 'cpu_cores')) {
        assert.ok(
          series.v.every((value) => Math.abs(value - 0.25) < 1e-9),
          JSON.stringify(series),
        );
      }
      const memory = metrics.series.find((s) => s.metric === 'memory_bytes');
      assert.equal(memory?.v[0], 64 * 1024 * 1024);

      // A crash-looping release: the deployment fails, and the previous container's log says why.
      const crashed = await pushAndDeploy(t, project, {
        'k8s/app.yaml': rigTickingApp('registry.local/ops/app-crashloop:2'),
      });
      assert.equal(crashed.deployment.status, 'failed');
      const looping = await eventually(
        async () => {
          const got = await t.api<{ containers: { pod: string; has_previous: boolean }[] }>(
            'GET',
            `${api}/containers`,
          );
          return got.body.containers.find((c) => c.has_previous);
        },
        () => 'no container with a previous instance',
      );
      const previous = await readLogs(
        `${base}/logs?previous=true&pod=${looping.pod}&container=app`,
        ADMIN_TOKEN,
      );
      await previous.ended;
      assert.ok(
        previous.lines().some((line) => /crash/i.test(line)),
        `previous log: ${previous.lines().join('\n')}`,
      );
    });
  });
}
