import { useId, useState } from 'react';
import { useLocation } from 'wouter';
import type { EnvironmentFolderEntry } from '../api/environment-types.ts';
import type { LiveEvent } from '../api/live-events.ts';
import type { Environment } from '../api/types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { DeployButton } from '../components/deploy-dialog.tsx';
import { EnvironmentColumns, EnvironmentRow } from '../components/environment-row.tsx';
import { Loaded } from '../components/loading.tsx';
import { Pagination } from '../components/pagination.tsx';
import { RebuildAllButton } from '../components/rebuild-button.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { atLeast } from '../lib/access-level.ts';
import { folderPrefix } from '../lib/environment-display.ts';
import { useProject } from '../project-context.tsx';
import { useProjectAccess } from '../settings/use-project-access.ts';
import '../environments.css';

const PER_PAGE = 50;
const FOLDER_PER_PAGE = 20;
const STATES = ['available', 'stopping', 'stopped'] as const;

/** Lists refetch on any deployment of the project: new environments come with their first one. */
function deploymentsOf(projectId: number) {
  return (event: LiveEvent) => event.type === 'deployment' && event.project_id === projectId;
}

/**
 * A project's environments by name, folders (`review/…`) collapsed into one row with their size
 * and opened on demand; each with its tier, state and last deployment, live. Paginated on the
 * server by top-level entry, so 1,000 review apps are one row until opened.
 */
export function EnvironmentsPage() {
  const { project, api, base } = useProject();
  const { level } = useProjectAccess();
  const [, navigate] = useLocation();
  const ids = useId();
  const [search, setSearch] = useState('');
  const [state, setState] = useState('');
  const liveWhen = deploymentsOf(project.id);
  const filters = new URLSearchParams();
  if (search.trim()) filters.set('search', search.trim());
  if (state) filters.set('states', state);
  const entries = usePagedApi<EnvironmentFolderEntry>(`${api}/environments/folders?${filters}`, {
    perPage: PER_PAGE,
    liveWhen,
  });

  return (
    <section className="stack" aria-labelledby={`${ids}-heading`}>
      <div className="row row-spread">
        <h2 id={`${ids}-heading`}>Environments</h2>
        {atLeast(level, 'developer') && (
          <div className="row">
            <RebuildAllButton />
            <DeployButton
              primary
              onDeployed={(deployment) => navigate(`${base}/environments/${deployment.environment.id}`)}
            />
          </div>
        )}
      </div>
      <div className="row environments-filters">
        <div className="field">
          <label htmlFor={`${ids}-search`}>Search</label>
          <input
            id={`${ids}-search`}
            type="search"
            value={search}
            placeholder="Name starts with…"
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-state`}>State</label>
          <select id={`${ids}-state`} value={state} onChange={(event) => setState(event.target.value)}>
            <option value="">All</option>
            {STATES.map((value) => (
              <option key={value} value={value}>
                {value[0]!.toUpperCase() + value.slice(1)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Loaded state={entries}>
        {({ items, totalPages, total }) =>
          items.length === 0 ? (
            <div className="card empty">
              {filters.size > 0
                ? 'No environment matches.'
                : 'No environments yet. A pipeline job with environment: creates one when it runs.'}
            </div>
          ) : (
            <>
              <div className="table-wrap">
                <table aria-label="Environments" className="environments-table">
                  <thead>
                    <EnvironmentColumns />
                  </thead>
                  {items.map((entry) =>
                    entry.folder ? (
                      <FolderRows
                        key={`folder:${entry.name}`}
                        entry={entry}
                        search={search.trim()}
                        state={state}
                        liveWhen={liveWhen}
                      />
                    ) : (
                      <tbody key={entry.environment.id}>
                        <EnvironmentRow base={base} environment={entry.environment} />
                      </tbody>
                    ),
                  )}
                </table>
              </div>
              <div className="row environments-footer">
                <span className="muted">
                  {total} {total === 1 ? 'entry' : 'entries'}
                </span>
                <Pagination page={entries.page} totalPages={totalPages} onPage={entries.setPage} />
              </div>
            </>
          )
        }
      </Loaded>
    </section>
  );
}

/**
 * A folder's row, collapsed by default (opened when the search reaches into it), showing its size
 * and its most recently updated environment; opened, its environments below, paginated.
 */
function FolderRows({
  entry,
  search,
  state,
  liveWhen,
}: {
  entry: EnvironmentFolderEntry;
  search: string;
  state: string;
  liveWhen: (event: LiveEvent) => boolean;
}) {
  const { api, base } = useProject();
  const prefix = folderPrefix(entry.name);
  const [open, setOpen] = useState<boolean | undefined>(undefined);
  const expanded = open ?? search.startsWith(prefix);
  const query = new URLSearchParams({ search: search.startsWith(prefix) ? search : prefix });
  if (state) query.set('states', state);
  const children = usePagedApi<Environment>(expanded ? `${api}/environments?${query}` : null, {
    perPage: FOLDER_PER_PAGE,
    liveWhen,
  });
  const latest = entry.environment;
  return (
    <tbody className="environment-folder">
      <tr>
        <td>
          <button
            type="button"
            className="disclosure-toggle"
            aria-expanded={expanded}
            aria-label={`${entry.name}: folder of ${entry.size} environment${entry.size === 1 ? '' : 's'}`}
            onClick={() => setOpen(!expanded)}
          >
            <span aria-hidden="true" className="folder-caret">
              {expanded ? '▾' : '▸'}
            </span>
            {entry.name}
            <span className="badge">{entry.size}</span>
          </button>
        </td>
        <td className="hide-small" />
        <td />
        <td className="muted">
          <span className="row">
            Latest: {latest.name.slice(prefix.length)}
            {latest.last_deployment && <StatusBadge status={latest.last_deployment.status} />}
          </span>
        </td>
        <td className="hide-small" />
        <td className="hide-small" />
        <td className="hide-small">
          <TimeAgo iso={latest.last_deployment?.created_at} />
        </td>
      </tr>
      {expanded && children.data === undefined && (
        <tr>
          <td colSpan={7} className="muted environment-nested">
            {children.error ? children.error.message : 'Loading…'}
          </td>
        </tr>
      )}
      {children.data?.items.map((environment) => (
        <EnvironmentRow key={environment.id} base={base} environment={environment} nested />
      ))}
      {expanded && children.data && children.data.totalPages > 1 && (
        <tr>
          <td colSpan={7}>
            <Pagination
              page={children.page}
              totalPages={children.data.totalPages}
              onPage={children.setPage}
            />
          </td>
        </tr>
      )}
    </tbody>
  );
}
