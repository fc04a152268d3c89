import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kubeRigSuiteOptions } from '../test/support/kube-rig.ts';

// Runs a tiny version of bench/kubernetes.bench.ts against the rig, so the benchmark cannot rot:
// it must run to the end and print its three tables. Its numbers are not checked (timings are never
// asserted); the benchmark itself fails when a deployment ends with the wrong status.

const BENCH = join(dirname(fileURLToPath(import.meta.url)), 'kubernetes.bench.ts');

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The rig of this test run is inherited through GANTRY_TEST_KUBE_RIG; without it the benchmark
    // starts one of its own, as useKubeRig() does.
    const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench/kubernetes.bench.ts', kubeRigSuiteOptions(), () => {
  test('runs a tiny version to the end and prints its tables', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await runBench([
      '--dialect',
      'sqlite',
      '--manifests',
      '10',
      '--apply-rounds',
      '1',
      '--rollout-rounds',
      '1',
      '--ready-after-ms',
      '200',
      '--crash-rounds',
      '1',
    ]);
    assert.equal(code, 0, `the benchmark failed:\n${stderr}`);
    assert.match(stdout, /Apply 10 manifests \(5 ConfigMaps \+ 2 Services \+ 3 Deployments\)/);
    for (const contender of ['kubectl apply --server-side', 'Gantry, as a deployment applies']) {
      assert.ok(stdout.includes(contender), `no apply row for ${contender}:\n${stdout}`);
    }
    assert.match(stdout, /Rollout complete → deployment success recorded/);
    assert.match(stdout, /rollout complete → success in the API/);
    assert.match(stdout, /Crash-looping release → deployment failed/);
    assert.match(stdout, /reason in the job log: container web: CrashLoopBackOff/);
  });

  test('refuses a bad option with its usage', async () => {
    const { code, stderr } = await runBench(['--manifests', 'many']);
    assert.equal(code, 2);
    assert.match(stderr, /--manifests must be a whole number/);
    assert.match(stderr, /Usage: node bench\/kubernetes\.bench\.ts/);
  });
});
