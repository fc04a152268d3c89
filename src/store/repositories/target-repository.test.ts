import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickTargetForEnvironment, type TargetRow } from './target-repository.ts';

let nextId = 1;
const target = (name: string, projectId: number | null, scope: string): TargetRow => ({
  id: nextId++,
  project_id: projectId,
  name,
  kind: 'external',
  environment_scope: scope,
  config: '{}',
  secret_encrypted: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

const pick = (rows: TargetRow[], environment: string) => pickTargetForEnvironment(rows, environment)?.name;

test('project targets win over instance targets, whatever their scopes', () => {
  const rows = [target('instance-exact', null, 'production'), target('project-any', 7, '*')];
  assert.equal(pick(rows, 'production'), 'project-any');
});

test('within a level: the exact name over wildcard scopes over *', () => {
  const rows = [
    target('any', 7, '*'),
    target('exact', 7, 'review/app-1'),
    target('review', 7, 'review/*'),
    target('instance', null, '*'),
  ];
  assert.equal(pick(rows, 'review/app-1'), 'exact');
  assert.equal(pick(rows, 'review/app-2'), 'review');
  assert.equal(pick(rows, 'production'), 'any');
  assert.equal(pick(rows.reverse(), 'review/app-2'), 'review', 'storage order does not matter');
});

test('between wildcard scopes the one with more literal characters wins; ties go to the oldest', () => {
  const rows = [target('broad', 7, 'review/*'), target('narrow', 7, 'review/app-*')];
  assert.equal(pick(rows, 'review/app-9'), 'narrow');
  const twins = [target('older', 7, 'staging'), target('newer', 7, 'staging')];
  assert.equal(pick([...twins].reverse(), 'staging'), 'older');
});

test('instance targets serve what no project target matches; nothing matches: undefined', () => {
  const rows = [
    target('review', 7, 'review/*'),
    target('prod', null, 'production'),
    target('rest', null, '*'),
  ];
  assert.equal(pick(rows, 'production'), 'prod');
  assert.equal(pick(rows, 'staging'), 'rest');
  assert.equal(pick([target('review', 7, 'review/*')], 'production'), undefined);
  assert.equal(pick([], 'production'), undefined);
});
