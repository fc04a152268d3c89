import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusLabel, statusTone } from './status-tone.ts';

test('each family of states has its colour; unknown states are neutral', () => {
  const cases: [string, string][] = [
    ['success', 'success'],
    ['available', 'success'],
    ['running', 'info'],
    ['pending', 'info'],
    ['failed', 'danger'],
    ['blocked', 'warning'],
    ['canceled', 'neutral'],
    ['delivered', 'success'],
    ['frozen', 'warning'],
    ['something-new', 'neutral'],
  ];
  for (const [status, tone] of cases) assert.equal(statusTone(status), tone, status);
});

test('labels read as words', () => {
  assert.equal(statusLabel('waiting_for_resource'), 'waiting for resource');
  assert.equal(statusLabel('success'), 'success');
});
