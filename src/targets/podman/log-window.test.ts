import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import { logWindow, runBoundary, runHasEnded, START_SKEW_NANOS } from './log-window.ts';

const restarted = {
  startedAt: '2026-11-29T09:47:27.976433408Z',
  finishedAt: '2026-11-29T09:47:27.84338809Z',
  restarts: 1,
};
const firstRun = {
  startedAt: '2026-11-29T09:47:27.976433408Z',
  finishedAt: '0001-01-01T00:00:00Z',
  restarts: 0,
};
const started = 1_795_945_647_976_433_408n;

test('the boundary of a container running again is the middle of the gap between its runs', () => {
  assert.equal(runBoundary(restarted), (1_795_945_647_843_388_090n + started) / 2n);
  // Started again by hand: no restart counted, but a run before.
  assert.equal(runBoundary({ ...restarted, restarts: 0 }), (1_795_945_647_843_388_090n + started) / 2n);
});

test('a container ended after restarts has its boundary a little before StartedAt', () => {
  const ended = { startedAt: restarted.startedAt, finishedAt: '2026-11-29T09:47:30Z', restarts: 2 };
  assert.equal(runBoundary(ended), started - START_SKEW_NANOS);
});

test('a container that has not run before has no boundary: its whole log is its run', () => {
  assert.equal(runBoundary(firstRun), undefined);
  assert.equal(runBoundary({ ...firstRun, finishedAt: '2026-11-29T09:47:30Z' }), undefined);
  assert.equal(runBoundary({ startedAt: '0001-01-01T00:00:00Z', finishedAt: null, restarts: 0 }), undefined);
  assert.equal(runBoundary({ startedAt: null, finishedAt: null, restarts: 0 }), undefined);
});

test('the current run is read from the boundary on, or from a later since; a tail not followed is counted by Gantry too', () => {
  assert.deepEqual(logWindow({ follow: true, tailLines: 10 }, restarted), {
    args: ['--follow', '--tail', '10', '--since', '2026-11-29T09:47:27.909910749Z'],
    keepLast: null,
  });
  assert.deepEqual(logWindow({ follow: false, since: '2026-11-29T10:00:00+01:00' }, restarted).args, [
    '--since',
    '2026-11-29T09:47:27.909910749Z',
  ]);
  assert.deepEqual(logWindow({ follow: false, since: '2026-11-29T09:50:00.5Z' }, restarted).args, [
    '--since',
    '2026-11-29T09:50:00.5Z',
  ]);
  assert.deepEqual(logWindow({ follow: false, tailLines: 3 }, firstRun), {
    args: ['--tail', '3'],
    keepLast: 3,
  });
});

test('previous runs are read up to the boundary, never followed, their tail counted by Gantry', () => {
  assert.deepEqual(logWindow({ follow: true, previous: true, tailLines: 5 }, restarted), {
    args: ['--until', '2026-11-29T09:47:27.909910749Z'],
    keepLast: 5,
  });
  assert.deepEqual(logWindow({ follow: false, previous: true, since: '2026-11-29T09:00:00Z' }, restarted), {
    args: ['--since', '2026-11-29T09:00:00Z', '--until', '2026-11-29T09:47:27.909910749Z'],
    keepLast: null,
  });
  assert.throws(
    () => logWindow({ follow: false, previous: true }, firstRun),
    (error: GantryError) => error.code === 'conflict',
  );
});

test('a since that is no instant is a bad request', () => {
  assert.throws(
    () => logWindow({ follow: false, since: 'yesterday' }, restarted),
    (error: GantryError) => error.code === 'bad_request' && /ISO-8601/.test(error.message),
  );
  assert.deepEqual(logWindow({ follow: false, since: '2026-11-29T10:00:00.000Z' }, firstRun).args, [
    '--since',
    '2026-11-29T10:00:00Z',
  ]);
  assert.deepEqual(logWindow({ follow: true }, firstRun).args, ['--follow']);
});

test('a run has ended once FinishedAt is not before StartedAt', () => {
  assert.equal(runHasEnded({ ...restarted, finishedAt: '2026-11-29T09:47:30Z' }), true);
  assert.equal(runHasEnded(restarted), false, 'running again after a restart');
  assert.equal(runHasEnded(firstRun), false, 'running, never finished');
  assert.equal(runHasEnded({ startedAt: null, finishedAt: null, restarts: 0 }), false);
});
