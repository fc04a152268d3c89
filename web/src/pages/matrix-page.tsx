import { useMemo } from 'react';
import { Link } from 'wouter';
import type { MatrixRow } from '../api/matrix-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { PageHeader } from '../components/page-header.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { buildMatrix, type MatrixColumn, type MatrixProject, summarizeCell } from '../lib/matrix.ts';
import '../matrix.css';

/** Environments per request: the API's largest page, pivoted into projects × environments. */
const PER_PAGE = 100;

/** One environment's cell: what runs there, since when, and a newer deployment in flight. */
function EnvironmentCell({ row }: { row: MatrixRow }) {
  const cell = summarizeCell(row);
  const href = `/projects/${row.project.id}/environments/${row.environment.id}`;
  return (
    <div className="matrix-cell">
      <Link
        href={href}
        aria-label={`${row.project.path_with_namespace} ${row.environment.name}: ${cell.version ?? 'never deployed'}`}
        {...(cell.versionTitle && { title: cell.versionTitle })}
      >
        {cell.version ? <code>{cell.version}</code> : <span className="muted">never deployed</span>}
      </Link>
      {(cell.status || cell.deployedAt) && (
        <span className="row">
          {cell.status && <StatusBadge status={cell.status} />}
          {cell.deployedAt && (
            <span className="muted matrix-age">
              <TimeAgo iso={cell.deployedAt} />
            </span>
          )}
        </span>
      )}
      {cell.newer && (
        <span className="row matrix-newer" title="The latest deployment attempt, not what runs there">
          <span className="visually-hidden">Latest attempt:</span>
          <StatusBadge status={cell.newer.status} />
          <code>{cell.newer.version}</code>
        </span>
      )}
    </div>
  );
}

/** A folder's cell (`review/…`): how many environments and how many run, linking to the project's list. */
function FolderCell({ rows }: { rows: MatrixRow[] }) {
  const project = rows[0]!.project;
  const available = rows.filter((row) => row.environment.state === 'available').length;
  const others = rows.length - available;
  return (
    <div className="matrix-cell">
      <Link href={`/projects/${project.id}/environments`}>
        {rows.length} environment{rows.length === 1 ? '' : 's'}
      </Link>
      <span className="muted matrix-age">
        {available} available{others > 0 && `, ${others} stopped`}
      </span>
    </div>
  );
}

function ProjectRow({ project, columns }: { project: MatrixProject; columns: MatrixColumn[] }) {
  return (
    <tr>
      <th scope="row">
        <Link href={`/projects/${project.id}`}>{project.path}</Link>
      </th>
      {columns.map((column) => {
        const rows = project.cells.get(column.key);
        return (
          <td key={column.key}>
            {!rows ? (
              <span className="muted">
                <span aria-hidden="true">—</span>
                <span className="visually-hidden">no environment</span>
              </span>
            ) : column.folder ? (
              <FolderCell rows={rows} />
            ) : (
              <EnvironmentCell row={rows[0]!} />
            )}
          </td>
        );
      })}
    </tr>
  );
}

/**
 * What runs where: every project you can read against its environments, each cell the version
 * deployed there (tag or short commit), when, and its status; refreshed by deployment events.
 * Columns are environment names (folders such as `review/` share one), in promotion order.
 */
export function MatrixPage() {
  const list = usePagedApi<MatrixRow>('/environments/matrix', {
    perPage: PER_PAGE,
    liveWhen: (event) => event.type === 'deployment',
  });
  const matrix = useMemo(() => (list.data ? buildMatrix(list.data.items) : undefined), [list.data]);
  return (
    <>
      <PageHeader
        title="What runs where"
        subtitle="The version deployed to each environment of your projects, and how it is doing."
      />
      <PagedList
        list={list}
        empty="No environments yet: a pipeline job with environment: creates one when it runs."
      >
        {() =>
          matrix && (
            <div className="table-wrap">
              <table className="matrix">
                <caption className="visually-hidden">Deployed versions by project and environment</caption>
                <thead>
                  <tr>
                    <th scope="col">Project</th>
                    {matrix.columns.map((column) => (
                      <th scope="col" key={column.key}>
                        <span className="matrix-column-name">{column.label}</span>
                        {column.tier !== column.label && <span className="matrix-tier">{column.tier}</span>}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {matrix.projects.map((project) => (
                    <ProjectRow key={project.id} project={project} columns={matrix.columns} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </PagedList>
    </>
  );
}
