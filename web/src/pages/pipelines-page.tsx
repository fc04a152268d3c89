import { useId, useState } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { api as request } from '../api/api-client.ts';
import type { LiveEvent } from '../api/live-events.ts';
import { PIPELINE_STATUSES } from '../api/pipeline-types.ts';
import type { Pipeline } from '../api/types.ts';
import { useApiPage } from '../api/use-api.ts';
import { ConfirmButton } from '../components/action-button.tsx';
import { Loaded } from '../components/loading.tsx';
import { Pagination } from '../components/pagination.tsx';
import { PipelineTable } from '../components/pipeline-table.tsx';
import { atLeast } from '../lib/access-level.ts';
import { statusLabel } from '../lib/status-tone.ts';
import { useProject } from '../project-context.tsx';
import { useProjectAccess } from '../settings/use-project-access.ts';
import '../pipelines.css';

const PER_PAGE = 50;

/** "Run pipeline": a ref to run, confirmed in a dialog (the pipeline may deploy); opens the new pipeline. */
function RunPipelineButton() {
  const { project, api, base } = useProject();
  const [, navigate] = useLocation();
  const [ref, setRef] = useState(project.default_branch);
  const id = useId();
  return (
    <ConfirmButton
      label="Run pipeline"
      title="Run a pipeline"
      confirmLabel="Run"
      onConfirm={async () => {
        const pipeline = await request<Pipeline>(`${api}/pipeline`, {
          method: 'POST',
          body: { ref: ref.trim() },
        });
        navigate(`${base}/pipelines/${pipeline.id}`);
      }}
    >
      <div className="field">
        <label htmlFor={id}>Branch or tag to run</label>
        <input id={id} value={ref} onChange={(event) => setRef(event.target.value)} required />
        <span className="hint">Runs the pipeline file of its latest commit; its jobs may deploy.</span>
      </div>
    </ConfirmButton>
  );
}

/**
 * A project's pipelines, newest first: filtered by status and ref (kept in the URL, so back and
 * shared links keep them), read a page at a time from the server, refreshed live as pipelines
 * start, change and finish.
 */
export function PipelinesPage() {
  const { project, api, base } = useProject();
  const { level } = useProjectAccess();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const ref = params.get('ref') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  // Typing a filter replaces the history entry; turning a page adds one, so Back returns to it.
  const update = (changes: Record<string, string>, replace = true) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === '' || (key === 'page' && value === '1')) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace });
  };

  const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
  if (status) query.set('status', status);
  if (ref.trim()) query.set('ref', ref.trim());
  const state = useApiPage<Pipeline>(`${api}/pipelines?${query}`, {
    liveWhen: (event: LiveEvent) =>
      event.project_id === project.id && (event.type === 'pipeline' || event.type === 'push'),
  });
  const filtered = status !== '' || ref.trim() !== '';

  return (
    <div className="stack">
      <div className="row row-spread pipelines-toolbar">
        <div className="filters">
          <div className="field">
            <label htmlFor="pipeline-status">Status</label>
            <select
              id="pipeline-status"
              value={status}
              onChange={(event) => update({ status: event.target.value, page: '1' })}
            >
              <option value="">Any</option>
              {PIPELINE_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {statusLabel(value)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="pipeline-ref">Branch or tag</label>
            <input
              id="pipeline-ref"
              type="search"
              value={ref}
              placeholder="Exact name, e.g. main"
              onChange={(event) => update({ ref: event.target.value, page: '1' })}
            />
          </div>
        </div>
        {atLeast(level, 'developer') && <RunPipelineButton />}
      </div>
      <Loaded state={state}>
        {({ items, total, totalPages }) =>
          items.length === 0 ? (
            <div className="card empty">
              {filtered
                ? 'No pipeline matches these filters.'
                : 'No pipelines yet: push a commit with a .gantry.yml, or run one.'}
            </div>
          ) : (
            <>
              <p className="muted list-count" aria-live="polite">
                {total.toLocaleString()} {total === 1 ? 'pipeline' : 'pipelines'}
              </p>
              <PipelineTable base={base} pipelines={items} />
              <Pagination
                page={page}
                totalPages={totalPages}
                onPage={(next) => update({ page: String(next) }, false)}
              />
            </>
          )
        }
      </Loaded>
    </div>
  );
}
