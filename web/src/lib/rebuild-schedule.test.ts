import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EMPTY_REBUILD_SCHEDULE_FORM,
  rebuildOutcome,
  rebuildScheduleBody,
  scheduledEnvironments,
} from './rebuild-schedule.ts';

test('a schedule naming no environment rebuilds every one', () => {
  assert.deepEqual(rebuildScheduleBody({ ...EMPTY_REBUILD_SCHEDULE_FORM, description: ' Weekly ' }), {
    description: 'Weekly',
    cron: '0 4 * * 1',
    cron_timezone: 'UTC',
    environments: null,
    active: true,
  });
});

test('named environments are sent once each, in the order typed; a blank time zone is left out', () => {
  assert.deepEqual(
    rebuildScheduleBody({
      description: 'nightly',
      cron: ' 0 2 * * * ',
      cronTimezone: ' ',
      environments: 'production, staging production\nreview/main',
      active: false,
    }),
    {
      description: 'nightly',
      cron: '0 2 * * *',
      environments: ['production', 'staging', 'review/main'],
      active: false,
    },
  );
});

test('the environments of a schedule are said in words', () => {
  assert.equal(scheduledEnvironments(null), 'every environment');
  assert.equal(scheduledEnvironments([]), 'every environment');
  assert.equal(scheduledEnvironments(['staging', 'production']), 'staging, production');
});

test('what a rebuild started is said in words', () => {
  assert.equal(rebuildOutcome(0), 'Nothing to rebuild: no environment runs a deployment.');
  assert.equal(rebuildOutcome(1), 'Rebuild started: pipeline');
  assert.equal(rebuildOutcome(3), 'Rebuild started: 3 pipelines');
});
