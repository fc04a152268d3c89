import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextHolder, type ProcessMode, type QueuedJob } from './resource-queue.ts';

const job = (jobId: number, pipelineId: number, ready = true): QueuedJob => ({ jobId, pipelineId, ready });

// A retried job in an older pipeline can have a higher job id than a job in a newer pipeline.
const mixed = [job(30, 3), job(12, 1), job(25, 2), job(40, 1)];
const oldestNotReady = [job(30, 3), job(12, 1, false), job(25, 2)];
const newestNotReady = [job(30, 3, false), job(12, 1), job(25, 2)];
const noneReady = [job(30, 3, false), job(12, 1, false)];

// [mode, queue, next holder]
const table: Array<[ProcessMode, QueuedJob[], number | null]> = [
  ['unordered', [], null],
  ['unordered', mixed, 12],
  ['unordered', oldestNotReady, 25],
  ['unordered', newestNotReady, 12],
  ['unordered', noneReady, null],
  ['oldest_first', [], null],
  ['oldest_first', mixed, 12],
  ['oldest_first', oldestNotReady, null],
  ['oldest_first', newestNotReady, 12],
  ['oldest_first', noneReady, null],
  ['oldest_first', [job(40, 1), job(12, 2)], 40],
  ['newest_first', [], null],
  ['newest_first', mixed, 30],
  ['newest_first', oldestNotReady, 30],
  ['newest_first', newestNotReady, null],
  ['newest_first', noneReady, null],
  ['newest_first', [job(40, 1), job(12, 2)], 12],
  ['newest_first', [job(40, 2), job(41, 2)], 41],
  ['newest_ready_first', [], null],
  ['newest_ready_first', mixed, 30],
  ['newest_ready_first', oldestNotReady, 30],
  ['newest_ready_first', newestNotReady, 25],
  ['newest_ready_first', noneReady, null],
];
for (const [mode, jobs, expected] of table) {
  const queue = jobs.map((j) => `${j.jobId}@${j.pipelineId}${j.ready ? '' : '(upcoming)'}`).join(' ');
  test(`${mode} [${queue}] → ${expected}`, () => assert.equal(nextHolder(mode, jobs), expected));
}
