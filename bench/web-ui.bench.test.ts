import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { browserSuiteOptions } from '../test/support/browser.ts';
import { runCommand } from './support/run-command.ts';

// Runs a tiny version of bench/web-ui.bench.ts in Chromium, so the benchmark cannot rot: it must
// run to the end and print its tables, which it does only when every page showed its content.
// Its numbers are not checked (timings are never asserted).

const BENCH = join(dirname(fileURLToPath(import.meta.url)), 'web-ui.bench.ts');

/** Runs the benchmark with `args` in this test's environment (Chromium, the built UI). */
const runBench = (args: string[]) => runCommand(process.execPath, [BENCH, ...args], { env: process.env });

describe('bench/web-ui.bench.ts', browserSuiteOptions(), () => {
  test('runs a tiny version to the end and prints its tables', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await runBench([
      '--dialect',
      'sqlite',
      '--projects',
      '3',
      '--environments',
      '20',
      '--deployments',
      '200',
      '--pipelines',
      '30',
      '--loads',
      '1',
      '--warmup',
      '0',
    ]);
    assert.equal(code, 0, `the benchmark failed:\n${stderr}`);
    assert.match(stdout, /\[sqlite\] Seeding: projects and users through the API/);
    assert.match(stdout, /\[sqlite\] Pages in Chromium \(1280×800\), signed in as an admin: 1 loads each/);
    for (const page of [
      'projects list',
      'project overview',
      'environments (folders)',
      'environment, deployment history',
      'what runs where (matrix)',
      'pipelines list',
    ]) {
      assert.match(
        stdout,
        new RegExp(`^${page.replace(/[()]/g, '\\$&')} +1 `, 'm'),
        `no row for ${page}:\n${stdout}`,
      );
    }
    assert.match(stdout, /30 pipelines/);
    assert.match(stdout, /goals \(ours, for "pages stay fast"\)/);
  });

  test('refuses a bad option with its usage', async () => {
    const { code, stderr } = await runBench(['--loads', 'many']);
    assert.equal(code, 2);
    assert.match(stderr, /--loads must be a whole number/);
    assert.match(stderr, /Usage: node bench\/web-ui\.bench\.ts/);
  });
});
