import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type GraphJob, layoutNeeds } from './needs-layout.ts';

const dimensions = { columnWidth: 100, columnGap: 40, boxHeight: 30, rowGap: 10, headerHeight: 20 };
const job = (name: string, stageIndex: number, needs: string[] | null = null): GraphJob => ({
  name,
  stage: ['build', 'test', 'deploy'][stageIndex]!,
  stageIndex,
  needs,
});

test('stages become columns in file order, jobs rows by name', () => {
  const layout = layoutNeeds([job('unit', 1), job('compile', 0), job('lint', 1), job('ship', 2)], dimensions);
  assert.deepEqual(layout.columns, [
    { stage: 'build', x: 0 },
    { stage: 'test', x: 140 },
    { stage: 'deploy', x: 280 },
  ]);
  assert.deepEqual(
    layout.boxes.map(({ name, column, row, x, y }) => [name, column, row, x, y]),
    [
      ['compile', 0, 0, 0, 20],
      ['lint', 1, 0, 140, 20],
      ['unit', 1, 1, 140, 60],
      ['ship', 2, 0, 280, 20],
    ],
  );
  assert.equal(layout.width, 380);
  assert.equal(layout.height, 90);
  assert.deepEqual(layout.edges, [], 'no needs, no edges: stage order says it all');
});

test('a need draws a curve from the needed job’s right edge to the needing job’s left edge', () => {
  const layout = layoutNeeds([job('compile', 0), job('lint', 1), job('unit', 1, ['compile'])], dimensions);
  assert.deepEqual(layout.edges, [
    { from: 'compile', to: 'unit', path: 'M 100 35 C 120 35, 120 75, 140 75' },
  ]);
});

test('a need across a stage runs between the rows of the stage in between, not under its jobs', () => {
  const layout = layoutNeeds(
    [job('a', 0), job('b', 0), job('t', 1, []), job('ship', 2, ['b', 'a', 'optional-gone'])],
    // `optional-gone` is not in the pipeline: no edge.
    dimensions,
  );
  assert.deepEqual(
    layout.edges.map(({ from, to, path }) => [from, to, path]),
    [
      // Both in the first row: the lane above it (boxes start at y 20).
      ['a', 'ship', 'M 100 35 C 120 35, 120 15, 140 15 L 240 15 C 260 15, 260 35, 280 35'],
      // Rows 1 and 0: the gap between them (row 0 ends at 50, row 1 starts at 60).
      ['b', 'ship', 'M 100 75 C 120 75, 120 55, 140 55 L 240 55 C 260 55, 260 35, 280 35'],
    ],
  );
});

test('a need within one stage loops out to the right, and the width leaves it room', () => {
  const layout = layoutNeeds([job('a', 0), job('b', 0, ['a'])], dimensions);
  assert.deepEqual(layout.edges, [{ from: 'a', to: 'b', path: 'M 100 35 C 120 35, 120 75, 100 75' }]);
  assert.equal(layout.width, 120);
});

test('stage indexes with gaps, and no jobs at all', () => {
  const layout = layoutNeeds([job('late', 2), job('early', 0)], dimensions);
  assert.deepEqual(
    layout.columns.map((column) => column.stage),
    ['build', 'deploy'],
  );
  assert.deepEqual(layoutNeeds([], dimensions), { width: 0, height: 0, columns: [], boxes: [], edges: [] });
});
