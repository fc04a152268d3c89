import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobStatus } from './job-status.ts';
import { type PipelineStatus, pipelineStatusOf } from './pipeline-status.ts';

type Row = [JobStatus, boolean?];
const cases: Array<[string, Row[], PipelineStatus]> = [
  ['no jobs', [], 'skipped'],
  ['all created', [['created'], ['created']], 'created'],
  ['queued before anything started', [['pending'], ['created']], 'pending'],
  ['one running', [['running'], ['pending']], 'running'],
  ['queued after something finished', [['success'], ['pending']], 'running'],
  ['deployment waiting for its lock first', [['waiting_for_resource'], ['created']], 'pending'],
  ['deployment waiting for its lock after a build', [['success'], ['waiting_for_resource']], 'running'],
  ['waiting between stages', [['success'], ['created']], 'running'],
  ['all succeeded', [['success'], ['success']], 'success'],
  ['a failure', [['success'], ['failed']], 'failed'],
  ['an allowed failure', [['success'], ['failed', true]], 'success'],
  ['failure beats cancel', [['failed'], ['canceled']], 'failed'],
  ['canceled', [['success'], ['canceled']], 'canceled'],
  ['skipped after failure still fails', [['failed'], ['skipped']], 'failed'],
  ['all skipped', [['skipped'], ['skipped']], 'skipped'],
  ['blocking manual with nothing else to do', [['success'], ['manual']], 'manual'],
  ['blocking manual holding later jobs', [['manual'], ['created']], 'manual'],
  ['optional manual does not hold the pipeline', [['success'], ['manual', true]], 'success'],
  ['delayed job waiting', [['success'], ['scheduled']], 'scheduled'],
  ['running wins over manual', [['running'], ['manual']], 'running'],
];

for (const [name, rows, expected] of cases) {
  test(name, () =>
    assert.equal(
      pipelineStatusOf(
        rows.map(([status, allowFailure]) => ({ status, allowFailure: allowFailure ?? false })),
      ),
      expected,
    ),
  );
}
