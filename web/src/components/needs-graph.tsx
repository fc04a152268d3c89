import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import type { Job } from '../api/pipeline-types.ts';
import { DEFAULT_DIMENSIONS, layoutNeeds } from '../lib/needs-layout.ts';
import { statusLabel } from '../lib/status-tone.ts';
import { StatusBadge } from './status-badge.tsx';

const { columnWidth, boxHeight } = DEFAULT_DIMENSIONS;

/** What a screen reader says for a job's box: `running unit, needs compile`. */
function jobLabel(job: Job): string {
  const needs = job.needs && job.needs.length > 0 ? `, needs ${job.needs.join(', ')}` : '';
  return `${statusLabel(job.status)} ${job.name}${needs}`;
}

/**
 * A pipeline's jobs as stage columns, with a line from each job to the jobs that `need` it (laid
 * out by `layoutNeeds`). Pointing at or focusing a job highlights its needs and the jobs needing
 * it. Each job links to its page; screen readers get stages as lists and each job's status and
 * needs in its link's name, the drawing itself is decoration.
 */
export function NeedsGraph({ jobs, base }: { jobs: Job[]; base: string }) {
  const layout = useMemo(
    () =>
      layoutNeeds(
        jobs.map((job) => ({
          name: job.name,
          stage: job.stage,
          stageIndex: job.stage_index,
          needs: job.needs,
        })),
      ),
    [jobs],
  );
  const [active, setActive] = useState<string | null>(null);
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const related = new Set(
    layout.edges.flatMap((edge) =>
      edge.from === active ? [edge.to] : edge.to === active ? [edge.from] : [],
    ),
  );

  return (
    <div className="needs-graph-scroll">
      <div className="needs-graph" style={{ width: layout.width, height: layout.height }}>
        <svg className="needs-edges" width={layout.width} height={layout.height} aria-hidden="true">
          {layout.edges.map((edge) => (
            <path
              key={`${edge.from}→${edge.to}`}
              d={edge.path}
              className={edge.from === active || edge.to === active ? 'needs-edge-active' : undefined}
              data-edge={`${edge.from}→${edge.to}`}
            />
          ))}
        </svg>
        <ol aria-label="Stages">
          {layout.columns.map((column, columnIndex) => (
            <li key={column.stage}>
              <h3 className="needs-stage-name" style={{ left: column.x, width: columnWidth }}>
                {column.stage}
              </h3>
              <ul aria-label={`Jobs of stage ${column.stage}`}>
                {layout.boxes
                  .filter((box) => box.column === columnIndex)
                  .map((box) => {
                    const job = byName.get(box.name)!;
                    return (
                      <li
                        key={job.id}
                        className={`needs-job${related.has(job.name) ? ' needs-job-related' : ''}`}
                        style={{ left: box.x, top: box.y, width: columnWidth, height: boxHeight }}
                      >
                        <Link
                          href={`${base}/jobs/${job.id}`}
                          data-job={job.name}
                          aria-label={jobLabel(job)}
                          onMouseEnter={() => setActive(job.name)}
                          onMouseLeave={() => setActive(null)}
                          onFocus={() => setActive(job.name)}
                          onBlur={() => setActive(null)}
                        >
                          <StatusBadge
                            status={job.status}
                            {...(job.status === 'waiting_for_resource' && { label: 'waiting' })}
                          />
                          <span className="needs-job-name" title={job.name}>
                            {job.name}
                          </span>
                        </Link>
                      </li>
                    );
                  })}
              </ul>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
