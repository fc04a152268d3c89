import { useEffect } from 'react';
import type { KubernetesDrift, KubernetesLiveView as LiveView } from '../api/environment-types.ts';
import type { LiveEvent } from '../api/live-events.ts';
import { useApi } from '../api/use-api.ts';
import {
  driftCounts,
  driftField,
  driftValue,
  podProblem,
  podReadiness,
  workloadReadiness,
} from '../lib/kubernetes-view.ts';
import { useProject } from '../project-context.tsx';
import { ErrorMessage } from './error-message.tsx';
import { Loaded } from './loading.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';

/**
 * Pods change without any Gantry event (a crash loop, a node going away): the live view, which the
 * server answers from its watches, is asked again this often while it shows a namespace.
 */
const LIVE_REFRESH_MS = 5000;

/**
 * What runs in an environment deployed by the Kubernetes deployer: its workloads with health and
 * readiness and its pods with readiness, restarts and why they are unwell, kept fresh; and whether
 * the live objects drifted from what the current deployment applied. An environment not on
 * Kubernetes gets a sentence, a cluster that cannot be reached the API's error.
 */
export function KubernetesLiveView({ environmentId }: { environmentId: number }) {
  const { api: projectApi } = useProject();
  const liveWhen = (event: LiveEvent) =>
    event.type === 'deployment' && event.environment_id === environmentId;
  const path = `${projectApi}/environments/${environmentId}/kubernetes`;
  const live = useApi<LiveView>(path, { liveWhen });
  // A cluster that could not be reached is asked again too: the view appears when it is back.
  const poll = Boolean(live.data?.namespace) || live.error?.status === 503;
  const { reload } = live;
  useEffect(() => {
    if (!poll) return;
    const timer = setInterval(reload, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [poll, reload]);

  return (
    <Loaded state={live}>
      {(view) =>
        view.namespace === null ? (
          <p className="muted">
            Nothing to show: this environment has no current deployment made by the Kubernetes deployer (a job
            with <code>deploy:</code>). It was deployed by a <code>script:</code> job, never deployed, or is
            stopped.
          </p>
        ) : (
          <div className="stack">
            <p className="muted">
              Namespace <code>{view.namespace}</code>, refreshed every {LIVE_REFRESH_MS / 1000} s.
            </p>
            <Workloads view={view} />
            <Pods view={view} />
            <Drift path={`${path}/drift`} liveWhen={liveWhen} />
          </div>
        )
      }
    </Loaded>
  );
}

function Workloads({ view }: { view: LiveView }) {
  if (view.workloads.length === 0)
    return <p className="muted">No workloads carry this environment's labels.</p>;
  return (
    <div className="table-wrap">
      <table aria-label="Workloads">
        <thead>
          <tr>
            <th>Workload</th>
            <th>Health</th>
            <th>Ready</th>
            <th className="hide-small">Images</th>
          </tr>
        </thead>
        <tbody>
          {view.workloads.map((workload) => (
            <tr key={`${workload.kind}/${workload.name}`}>
              <td>
                <span className="muted">{workload.kind}</span> {workload.name}
              </td>
              <td>
                <StatusBadge status={workload.health.status} />
                {workload.health.message && <div className="muted">{workload.health.message}</div>}
              </td>
              <td>{workloadReadiness(workload)}</td>
              <td className="hide-small">
                {workload.images.map((image) => (
                  <div key={image.container}>
                    <code>{image.image}</code>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pods({ view }: { view: LiveView }) {
  if (view.pods.length === 0) return <p className="muted">No pods.</p>;
  return (
    <div className="table-wrap">
      <table aria-label="Pods">
        <thead>
          <tr>
            {/* Readiness and restarts before the phase, so that a phone shows them without scrolling. */}
            <th>Pod</th>
            <th>Ready</th>
            <th>Restarts</th>
            <th>Phase</th>
            <th className="hide-small">Node</th>
            <th className="hide-small">Age</th>
          </tr>
        </thead>
        <tbody>
          {view.pods.map((pod) => {
            const problem = podProblem(pod);
            return (
              <tr key={pod.name}>
                <td>
                  <code>{pod.name}</code>
                  {problem && (
                    <div>
                      <span className="badge badge-danger">{problem}</span>
                    </div>
                  )}
                </td>
                <td>{podReadiness(pod)}</td>
                <td>{pod.restarts}</td>
                <td>
                  <StatusBadge
                    status={pod.terminating ? 'stopping' : pod.phase.toLowerCase()}
                    label={pod.terminating ? 'Terminating' : pod.phase}
                  />
                </td>
                <td className="hide-small">{pod.node ?? '—'}</td>
                <td className="hide-small">
                  <TimeAgo iso={pod.created_at} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The drift check: a dry-run apply of every object, so it is asked on deployments and on demand. */
function Drift({ path, liveWhen }: { path: string; liveWhen: (event: LiveEvent) => boolean }) {
  const drift = useApi<KubernetesDrift>(path, { liveWhen });
  return (
    <section className="stack" aria-label="Drift">
      <div className="row">
        <h3>Drift</h3>
        {drift.data && (
          <>
            <StatusBadge status={drift.data.drifted ? 'drifted' : 'in_sync'} />
            <span className="muted">
              checked <TimeAgo iso={drift.data.checked_at} />
            </span>
          </>
        )}
        <button type="button" className="button button-small" onClick={drift.reload} disabled={drift.loading}>
          {drift.loading ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {drift.error && <ErrorMessage error={drift.error} />}
      {drift.data && <DriftObjects drift={drift.data} />}
    </section>
  );
}

function DriftObjects({ drift }: { drift: KubernetesDrift }) {
  const counts = driftCounts(drift);
  const changed = drift.objects.filter((object) => object.state !== 'in_sync');
  return (
    <>
      <p className="muted">
        {counts.in_sync} in sync, {counts.modified} modified, {counts.missing} missing.
      </p>
      {changed.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Drifted objects">
            <thead>
              <tr>
                <th>Object</th>
                <th>State</th>
                <th>Field</th>
                <th>Deployed</th>
                <th>Live</th>
              </tr>
            </thead>
            <tbody>
              {changed.flatMap((object) => {
                // The namespace is said once above the tables: only another one is worth repeating.
                const elsewhere = object.namespace !== null && object.namespace !== drift.namespace;
                const name = elsewhere ? `${object.namespace}/${object.name}` : object.name;
                const rows = object.differences.length > 0 ? object.differences : [undefined];
                return rows.map((difference, index) => (
                  <tr key={`${object.api_version}/${object.kind}/${name}/${difference?.path ?? index}`}>
                    <td>
                      {index === 0 && (
                        <>
                          <span className="muted">{object.kind}</span> {name}
                        </>
                      )}
                    </td>
                    <td>{index === 0 && <StatusBadge status={object.state} />}</td>
                    <td>
                      {difference ? (
                        <code title={difference.path}>{driftField(difference.path)}</code>
                      ) : (
                        (object.message ?? '')
                      )}
                    </td>
                    <td>{difference && <code>{driftValue(difference.expected)}</code>}</td>
                    <td>{difference && <code>{driftValue(difference.actual)}</code>}</td>
                  </tr>
                ));
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
