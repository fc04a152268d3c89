/** What the layout needs of a job. */
export interface GraphJob {
  name: string;
  stage: string;
  /** The stage's place in the pipeline file. */
  stageIndex: number;
  /** The jobs it waits for; null when it waits for the earlier stages (no edges drawn). */
  needs: string[] | null;
}

export interface GraphDimensions {
  columnWidth: number;
  columnGap: number;
  boxHeight: number;
  rowGap: number;
  /** Room above the boxes for the stage names. */
  headerHeight: number;
}

export const DEFAULT_DIMENSIONS: GraphDimensions = {
  columnWidth: 200,
  columnGap: 56,
  boxHeight: 40,
  rowGap: 12,
  headerHeight: 32,
};

export interface GraphBox {
  name: string;
  column: number;
  row: number;
  x: number;
  y: number;
}

export interface GraphColumn {
  stage: string;
  x: number;
}

/** A `needs` edge: `to` waits for `from`. `path` is SVG path data in the layout's coordinates. */
export interface GraphEdge {
  from: string;
  to: string;
  path: string;
}

export interface NeedsLayout {
  width: number;
  height: number;
  columns: GraphColumn[];
  /** In column order, then row order. */
  boxes: GraphBox[];
  edges: GraphEdge[];
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Lays a pipeline out as GitLab's pipeline graph does: one column per stage in file order, the
 * stage's jobs top to bottom by name, and a curve from each needed job's right edge to the left
 * edge of the job that needs it; a line crossing columns in between runs between their rows
 * rather than under their jobs. A need within one stage loops out to the right of the column.
 * Needs naming a job not in the list (an optional need that was left out) draw nothing.
 */
export function layoutNeeds(jobs: GraphJob[], dimensions: GraphDimensions = DEFAULT_DIMENSIONS): NeedsLayout {
  const { columnWidth, columnGap, boxHeight, rowGap, headerHeight } = dimensions;
  const stages = new Map<number, { stage: string; names: string[] }>();
  for (const job of jobs) {
    const stage = stages.get(job.stageIndex) ?? { stage: job.stage, names: [] };
    stage.names.push(job.name);
    stages.set(job.stageIndex, stage);
  }
  const ordered = [...stages.entries()].sort(([a], [b]) => a - b).map(([, stage]) => stage);

  const columns: GraphColumn[] = [];
  const boxes: GraphBox[] = [];
  const byName = new Map<string, GraphBox>();
  let rows = 0;
  ordered.forEach(({ stage, names }, column) => {
    const x = column * (columnWidth + columnGap);
    columns.push({ stage, x });
    names.sort((a, b) => a.localeCompare(b));
    names.forEach((name, row) => {
      const box = { name, column, row, x, y: headerHeight + row * (boxHeight + rowGap) };
      boxes.push(box);
      byName.set(name, box);
    });
    rows = Math.max(rows, names.length);
  });

  const edges: GraphEdge[] = [];
  for (const job of jobs) {
    const to = byName.get(job.name)!;
    for (const need of job.needs ?? []) {
      const from = byName.get(need);
      if (from) edges.push({ from: need, to: job.name, path: edgePath(from, to, dimensions) });
    }
  }
  edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));

  const hasLoops = edges.some((edge) => byName.get(edge.from)!.column === byName.get(edge.to)!.column);
  return {
    width: Math.max(
      0,
      columns.length * (columnWidth + columnGap) - columnGap + (hasLoops ? columnGap / 2 : 0),
    ),
    height: rows === 0 ? 0 : headerHeight + rows * (boxHeight + rowGap) - rowGap,
    columns,
    boxes,
    edges,
  };
}

function edgePath(
  from: GraphBox,
  to: GraphBox,
  { columnWidth, columnGap, boxHeight, rowGap, headerHeight }: GraphDimensions,
): string {
  const y1 = round(from.y + boxHeight / 2);
  const y2 = round(to.y + boxHeight / 2);
  if (from.column === to.column) {
    const right = from.x + columnWidth;
    const bulge = round(right + columnGap / 2);
    return `M ${right} ${y1} C ${bulge} ${y1}, ${bulge} ${y2}, ${right} ${y2}`;
  }
  const x1 = from.x + columnWidth;
  const x2 = to.x;
  if (Math.abs(to.column - from.column) === 1) {
    const middle = round((x1 + x2) / 2);
    return `M ${x1} ${y1} C ${middle} ${y1}, ${middle} ${y2}, ${x2} ${y2}`;
  }
  // Across columns in between, the line runs in the gap between two rows (boxes line up in rows,
  // so that gap is free all the way), the one nearest to halfway between the two jobs; on a tie
  // the upper one, so the lane is never below the last row (outside the drawing).
  const pitch = boxHeight + rowGap;
  const boundary = Math.max(0, Math.ceil(((y1 + y2) / 2 - headerHeight + rowGap / 2) / pitch - 0.5));
  const lane = round(headerHeight + boundary * pitch - rowGap / 2);
  const out = x1 + columnGap;
  const into = x2 - columnGap;
  const half = columnGap / 2;
  return (
    `M ${x1} ${y1} C ${x1 + half} ${y1}, ${x1 + half} ${lane}, ${out} ${lane} ` +
    `L ${into} ${lane} C ${into + half} ${lane}, ${into + half} ${y2}, ${x2} ${y2}`
  );
}
