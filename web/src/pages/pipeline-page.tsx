import { Link, useLocation } from 'wouter';
import { api as request } from '../api/api-client.ts';
import type { LiveEvent } from '../api/live-events.ts';
import type { Job, PipelineDetail } from '../api/pipeline-types.ts';
import { useApi } from '../api/use-api.ts';
import { ConfirmButton } from '../components/action-button.tsx';
import { LiveDuration } from '../components/live-duration.tsx';
import { Loaded } from '../components/loading.tsx';
import { NeedsGraph } from '../components/needs-graph.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { UserName } from '../components/user-name.tsx';
import { atLeast } from '../lib/access-level.ts';
import { pipelineActions } from '../lib/job-state.ts';
import { useProject } from '../project-context.tsx';
import { useProjectAccess } from '../settings/use-project-access.ts';
import '../pipelines.css';
import { shortSha } from '../lib/short-sha.ts';

/** Retry, cancel and run again, each confirmed: any of them may start jobs that deploy. */
function PipelineActions({ pipeline, onChanged }: { pipeline: PipelineDetail; onChanged: () => void }) {
  const { api, base } = useProject();
  const [, navigate] = useLocation();
  const path = `${api}/pipelines/${pipeline.id}`;
  const allowed = pipelineActions(pipeline);
  return (
    <>
      {allowed.includes('retry') && (
        <ConfirmButton
          label="Retry"
          title={`Retry pipeline #${pipeline.iid}?`}
          onConfirm={async () => {
            await request(`${path}/retry`, { method: 'POST' });
            onChanged();
          }}
        >
          <p>Its failed and canceled jobs run again, then the jobs skipped because of them.</p>
        </ConfirmButton>
      )}
      {allowed.includes('cancel') && (
        <ConfirmButton
          label="Cancel pipeline"
          title={`Cancel pipeline #${pipeline.iid}?`}
          danger
          onConfirm={async () => {
            await request(`${path}/cancel`, { method: 'POST' });
            onChanged();
          }}
        >
          <p>Running jobs are stopped and waiting ones will not run.</p>
        </ConfirmButton>
      )}
      <ConfirmButton
        label="Run again"
        title={`Run ${pipeline.ref} at ${shortSha(pipeline.sha)} again?`}
        confirmLabel="Run"
        onConfirm={async () => {
          const rebuilt = await request<PipelineDetail>(`${path}/rebuild`, { method: 'POST' });
          navigate(`${base}/pipelines/${rebuilt.id}`);
        }}
      >
        <p>A new pipeline runs for the same commit, with the same variables; its jobs may deploy.</p>
      </ConfirmButton>
    </>
  );
}

/** What the pipeline ran and how it went, as label/value pairs. */
function PipelineFacts({ pipeline }: { pipeline: PipelineDetail }) {
  return (
    <dl className="facts card">
      <div>
        <dt>{pipeline.tag ? 'Tag' : 'Branch'}</dt>
        <dd>
          <code>{pipeline.ref}</code>
        </dd>
      </div>
      <div>
        <dt>Commit</dt>
        <dd>
          <code title={pipeline.sha}>{shortSha(pipeline.sha)}</code>
        </dd>
      </div>
      <div>
        <dt>Triggered by</dt>
        <dd>
          <UserName id={pipeline.user_id} /> <span className="muted">({pipeline.source})</span>
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <TimeAgo iso={pipeline.created_at} />
        </dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>
          <LiveDuration
            startedAt={pipeline.started_at}
            finishedAt={pipeline.finished_at}
            running={pipeline.status === 'running'}
          />
        </dd>
      </div>
      {pipeline.rebuild_of !== null && (
        <div>
          <dt>Run again from</dt>
          <dd>
            <Link href={`/projects/${pipeline.project_id}/pipelines/${pipeline.rebuild_of}`}>
              pipeline {pipeline.rebuild_of}
            </Link>
          </dd>
        </div>
      )}
    </dl>
  );
}

/** The pipeline file's errors, where they are: why a pipeline failed before any job ran. */
function YamlErrors({ pipeline }: { pipeline: PipelineDetail }) {
  if (pipeline.errors.length === 0 && !pipeline.yaml_errors) return null;
  return (
    <section className="alert alert-error" role="alert" aria-labelledby="yaml-errors-heading">
      <h3 id="yaml-errors-heading">The pipeline file has errors</h3>
      {pipeline.errors.length > 0 ? (
        <ul className="yaml-errors">
          {pipeline.errors.map((error) => {
            const where = [error.file, error.line, error.column]
              .filter((part) => part !== undefined)
              .join(':');
            return (
              <li key={`${where}:${error.message}`}>
                {where && <code>{where}</code>} {error.message}
              </li>
            );
          })}
        </ul>
      ) : (
        <pre className="mono">{pipeline.yaml_errors}</pre>
      )}
    </section>
  );
}

/**
 * One pipeline: its status, ref, commit, who ran it and for how long, the file's errors when it
 * could not compile, and its jobs as stage columns joined by their `needs`, all updated live.
 */
export function PipelinePage({ pipelineId }: { pipelineId: string }) {
  const { api, base } = useProject();
  const { level } = useProjectAccess();
  const id = Number(pipelineId);
  const ofThisPipeline = (event: LiveEvent) =>
    (event.type === 'pipeline' && event.id === id) || (event.type === 'job' && event.pipeline_id === id);
  const pipeline = useApi<PipelineDetail>(`${api}/pipelines/${id}`, { liveWhen: ofThisPipeline });
  const jobs = useApi<Job[]>(`${api}/pipelines/${id}/jobs`, { liveWhen: ofThisPipeline });
  const reload = () => {
    pipeline.reload();
    jobs.reload();
  };

  return (
    <Loaded state={pipeline}>
      {(current) => (
        <div className="stack">
          <nav className="breadcrumbs" aria-label="Breadcrumbs">
            <Link href={`${base}/pipelines`}>Pipelines</Link> / #{current.iid}
          </nav>
          <div className="page-header">
            <div>
              <h2 className="row">
                Pipeline #{current.iid}
                <StatusBadge status={current.status} />
              </h2>
              {current.name && <p>{current.name}</p>}
            </div>
            {atLeast(level, 'developer') && (
              <div className="row">
                <PipelineActions pipeline={current} onChanged={reload} />
              </div>
            )}
          </div>
          <PipelineFacts pipeline={current} />
          <YamlErrors pipeline={current} />
          {/* A file that did not compile made no jobs: its errors say all there is. */}
          {current.errors.length === 0 && (
            <section className="stack" aria-labelledby="jobs-heading">
              <h2 id="jobs-heading">Jobs</h2>
              <Loaded state={jobs}>
                {(items) =>
                  items.length === 0 ? (
                    <div className="card empty">This pipeline has no jobs.</div>
                  ) : (
                    <div>
                      <NeedsGraph jobs={items} base={base} />
                      {items.some((job) => job.needs !== null) && (
                        <p className="needs-legend muted">
                          Lines join a job to the jobs it needs: it starts as soon as they succeed, without
                          waiting for the rest of the earlier stages.
                        </p>
                      )}
                    </div>
                  )
                }
              </Loaded>
            </section>
          )}
        </div>
      )}
    </Loaded>
  );
}
