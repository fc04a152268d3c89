import { Link, useLocation } from 'wouter';
import { API_PREFIX } from '../api/api-client.ts';
import type { LiveEvent } from '../api/live-events.ts';
import type { Job } from '../api/pipeline-types.ts';
import { useApi } from '../api/use-api.ts';
import { JobActions } from '../components/job-actions.tsx';
import { LiveDuration } from '../components/live-duration.tsx';
import { Loaded } from '../components/loading.tsx';
import { LogView } from '../components/log-view.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { UserName } from '../components/user-name.tsx';
import { atLeast } from '../lib/access-level.ts';
import { formatDateTime, formatDuration } from '../lib/format-time.ts';
import { statusLabel } from '../lib/status-tone.ts';
import { useProject } from '../project-context.tsx';
import { useProjectAccess } from '../settings/use-project-access.ts';
import '../pipelines.css';
import { shortSha } from '../lib/short-sha.ts';

/** `1.5 MB`: artifact sizes. */
function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A link to the latest attempt of a job that was retried. */
function LatestAttempt({ job }: { job: Job }) {
  const { api, base } = useProject();
  const jobs = useApi<Job[]>(`${api}/pipelines/${job.pipeline.id}/jobs`);
  const latest = jobs.data?.find((other) => other.name === job.name && other.id !== job.id);
  return (
    <p className="alert alert-info">
      This job was retried.{' '}
      {latest && (
        <Link href={`${base}/jobs/${latest.id}`}>See the latest attempt ({statusLabel(latest.status)})</Link>
      )}
    </p>
  );
}

/** When and where the job ran, as label/value pairs. */
function JobFacts({ job }: { job: Job }) {
  const { base } = useProject();
  return (
    <dl className="facts card">
      <div>
        <dt>Pipeline</dt>
        <dd>
          <Link href={`${base}/pipelines/${job.pipeline.id}`}>#{job.pipeline.iid}</Link>{' '}
          <code>{job.pipeline.ref}</code> <code title={job.pipeline.sha}>{shortSha(job.pipeline.sha)}</code>
        </dd>
      </div>
      <div>
        <dt>Stage</dt>
        <dd>{job.stage}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>
          <LiveDuration
            startedAt={job.started_at}
            finishedAt={job.finished_at}
            running={job.status === 'running'}
          />
        </dd>
      </div>
      {job.queued_duration !== null && job.started_at !== null && (
        <div>
          <dt>Queued</dt>
          <dd>{formatDuration(job.queued_duration)}</dd>
        </div>
      )}
      <div>
        <dt>Created</dt>
        <dd>
          <TimeAgo iso={job.created_at} />
        </dd>
      </div>
      {job.user_id !== null && (
        <div>
          <dt>Started by</dt>
          <dd>
            <UserName id={job.user_id} />
          </dd>
        </div>
      )}
      {job.environment && (
        <div>
          <dt>Environment</dt>
          <dd>
            <code>{job.environment.name}</code> <span className="muted">({job.environment.action})</span>
          </dd>
        </div>
      )}
      {job.runner_id !== null && (
        <div>
          <dt>Runner</dt>
          <dd>#{job.runner_id}</dd>
        </div>
      )}
      {job.attempt > 0 && (
        <div>
          <dt>Attempt</dt>
          <dd>{job.attempt + 1}</dd>
        </div>
      )}
      {job.exit_code !== null && (
        <div>
          <dt>Exit code</dt>
          <dd>{job.exit_code}</dd>
        </div>
      )}
      {job.failure_reason && (
        <div>
          <dt>Failure</dt>
          <dd>{statusLabel(job.failure_reason)}</dd>
        </div>
      )}
    </dl>
  );
}

/**
 * One job: status and times (live), run / retry / cancel as its status allows, its artifacts, and
 * its log streaming live. A retry opens the new attempt.
 */
export function JobPage({ jobId }: { jobId: string }) {
  const { project, api, base } = useProject();
  const { level } = useProjectAccess();
  const [, navigate] = useLocation();
  const id = Number(jobId);
  const job = useApi<Job>(`${api}/jobs/${id}`, {
    liveWhen: (event: LiveEvent) =>
      event.type === 'job' && event.project_id === project.id && event.id === id,
  });

  return (
    <Loaded state={job}>
      {(current) => (
        <div className="stack">
          <nav className="breadcrumbs" aria-label="Breadcrumbs">
            <Link href={`${base}/pipelines`}>Pipelines</Link> /{' '}
            <Link href={`${base}/pipelines/${current.pipeline.id}`}>#{current.pipeline.iid}</Link> /{' '}
            {current.name}
          </nav>
          <div className="page-header">
            <div>
              <h2 className="row">
                {current.name}
                <StatusBadge status={current.status} />
              </h2>
              {current.allow_failure && <p>Allowed to fail</p>}
            </div>
            {atLeast(level, 'developer') && (
              <JobActions
                job={current}
                api={api}
                onDone={(answer, action) => {
                  if (action === 'retry') navigate(`${base}/jobs/${answer.id}`);
                  else job.reload();
                }}
              />
            )}
          </div>
          {current.retried && <LatestAttempt job={current} />}
          <JobFacts job={current} />
          {current.artifacts_file && (
            <section className="card row" aria-labelledby="artifacts-heading">
              <h2 id="artifacts-heading" className="visually-hidden">
                Artifacts
              </h2>
              <a className="button" href={`${API_PREFIX}${api}/jobs/${current.id}/artifacts`} download>
                Download artifacts
              </a>
              <span className="muted">
                {formatBytes(current.artifacts_file.size)}
                {current.artifacts_expire_at && (
                  <>
                    , kept until{' '}
                    <time dateTime={current.artifacts_expire_at}>
                      {formatDateTime(current.artifacts_expire_at)}
                    </time>
                  </>
                )}
              </span>
            </section>
          )}
          <section aria-labelledby="log-heading">
            <div className="row row-spread log-heading">
              <h2 id="log-heading">Log</h2>
              <a href={`${API_PREFIX}${api}/jobs/${current.id}/trace`} target="_blank" rel="noreferrer">
                Raw log
              </a>
            </div>
            <LogView
              key={current.id}
              streamPath={`${api}/jobs/${current.id}/trace/stream`}
              onEnd={job.reload}
            />
          </section>
        </div>
      )}
    </Loaded>
  );
}
