import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import { checkJobGraph, type JobGraphNode } from './job-graph-check.ts';
import type { EnvironmentDefinition } from './pipeline-definition.ts';

const at = (line: number) => ({ file: 'f.yml', line, column: 1 });
const stages = ['.pre', 'build', 'test', 'deploy', '.post'];

function node(name: string, stage: string | null, partial: Partial<JobGraphNode> = {}): JobGraphNode {
  return { name, stage, needs: null, environment: null, dependencies: [], onStop: null, ...partial };
}
const need = (job: string, line: number) => ({ job, artifacts: true, optional: false, position: at(line) });
const environment = (
  name: string,
  action: EnvironmentDefinition['action'] = 'start',
): EnvironmentDefinition => ({
  name,
  url: null,
  action,
  onStop: null,
  autoStopInSeconds: null,
  deploymentTier: null,
  kubernetesNamespace: null,
});

function check(jobs: JobGraphNode[]): string[] {
  const diagnostics = createDiagnostics();
  checkJobGraph(diagnostics, jobs, stages);
  return diagnostics.errors.map((e) => `${e.line}: ${e.message}`);
}

test('accepts needs on the same or earlier stages and dependencies on earlier ones', () => {
  assert.deepEqual(
    check([
      node('build', 'build'),
      node('unit', 'test', {
        needs: [need('build', 1)],
        dependencies: [{ name: 'build', position: at(2), where: 'd' }],
      }),
      node('e2e', 'test', { needs: [need('unit', 3)] }),
    ]),
    [],
  );
});

test('reports unknown, later and cyclic needs', () => {
  assert.deepEqual(
    check([
      node('a', 'test', { needs: [need('b', 1)] }),
      node('b', 'test', { needs: [need('a', 2)] }),
      node('c', 'build', { needs: [need('deploy', 3), need('ghost', 4)] }),
      node('deploy', 'deploy'),
    ]),
    [
      '3: job "c" needs[0]: job "deploy" is in a later stage (deploy); a job can only need jobs of its own or earlier stages',
      '4: job "c" needs[1]: job "ghost" is not defined',
      '2: job "b" needs[0]: needs cycle a → b → a',
    ],
  );
});

test('reports bad dependencies and on_stop targets; skips checks on what could not be read', () => {
  const dependency = (name: string, line: number) => ({
    name,
    position: at(line),
    where: `job "t" dependencies[${line}]`,
  });
  const stopRef = (name: string, line: number) => ({
    name,
    position: at(line),
    where: `job "r${line - 4}" environment:on_stop`,
  });
  assert.deepEqual(
    check([
      node('build', 'build'),
      node('x', null),
      node('t', 'test', {
        needs: [need('build', 9)],
        dependencies: [dependency('ghost', 1), dependency('t2', 2), dependency('x', 3), dependency('b2', 4)],
      }),
      node('t2', 'test'),
      node('b2', 'build'),
      node('r1', 'deploy', { environment: environment('review'), onStop: stopRef('build', 5) }),
      node('r2', 'deploy', { environment: environment('review'), onStop: stopRef('s1', 6) }),
      node('r3', 'deploy', { environment: environment('review'), onStop: stopRef('s2', 7) }),
      node('r4', 'deploy', { environment: environment('review'), onStop: stopRef('broken', 8) }),
      node('s1', 'deploy', { environment: environment('other', 'stop') }),
      node('s2', 'deploy', { environment: environment('review') }),
      node('broken', 'deploy', { environment: 'invalid' }),
    ]),
    [
      '1: job "t" dependencies[1]: job "ghost" is not defined',
      '2: job "t" dependencies[2]: job "t2" is not in an earlier stage (it is in test)',
      '3: job "t" dependencies[3]: job "x" must also be listed in needs',
      '4: job "t" dependencies[4]: job "b2" must also be listed in needs',
      '5: job "r1" environment:on_stop: job "build" has no environment:',
      '6: job "r2" environment:on_stop: job "s1" stops environment "other", not "review"',
      '7: job "r3" environment:on_stop: job "s2" needs environment:action: stop',
    ],
  );
});
