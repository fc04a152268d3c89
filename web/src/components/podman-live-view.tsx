import { useEffect } from 'react';
import type { LiveEvent } from '../api/live-events.ts';
import type { PodmanLiveView as LiveView, PodmanPod } from '../api/podman-types.ts';
import { type ApiState, useApi } from '../api/use-api.ts';
import { containerBadge, podRunning, podStatus, portText } from '../lib/podman-view.ts';
import { useProject } from '../project-context.tsx';
import { DigestText } from './digest-text.tsx';
import { Loaded } from './loading.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';

/**
 * Containers change without any Gantry event (a crash, a failing health check, a restart): the live
 * view is asked again this often while the page is in view.
 */
const LIVE_REFRESH_MS = 5000;

/**
 * The live view of an environment's Podman pods (`GET …/environments/:id/podman`), refetched on the
 * environment's deployment events and every few seconds while the page is visible. The API answers
 * 404 when the environment's target is not a Podman host: the page then shows no Podman section.
 */
export function usePodmanLiveView(environmentId: number): ApiState<LiveView> {
  const { api: projectApi } = useProject();
  const live = useApi<LiveView>(`${projectApi}/environments/${environmentId}/podman`, {
    liveWhen: (event: LiveEvent) => event.type === 'deployment' && event.environment_id === environmentId,
  });
  // A host that could not be reached is asked again too: the view appears when it is back.
  const poll = live.data !== undefined || (live.error !== undefined && live.error.status !== 404);
  const { reload } = live;
  useEffect(() => {
    if (!poll) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, LIVE_REFRESH_MS);
    // Back from a hidden tab: what is shown may be minutes old.
    const onVisible = () => {
      if (document.visibilityState === 'visible') reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [poll, reload]);
  return live;
}

/**
 * Whether an environment is on a Podman host: false once the API said its target is not one (404),
 * undefined until it answered. A host that cannot be reached is still a Podman one.
 */
export function onPodman(live: ApiState<LiveView>): boolean | undefined {
  if (live.data !== undefined) return true;
  if (live.error === undefined) return undefined;
  return live.error.status !== 404;
}

/**
 * What runs in an environment on a Podman host: its pods, and each container's state and health
 * check, restarts, exit code, published ports and image digest.
 */
export function PodmanLiveView({ live }: { live: ApiState<LiveView> }) {
  return (
    <Loaded state={live}>
      {(view) => (
        <div className="stack">
          <p className="muted">
            On target <strong>{view.target.name}</strong>, refreshed every {LIVE_REFRESH_MS / 1000} s.
          </p>
          {view.pods.length === 0 ? (
            <p className="muted">
              No pods: the environment was never deployed here, or it was stopped (its pods removed).
            </p>
          ) : (
            view.pods.map((pod) => <Pod key={pod.name} pod={pod} />)
          )}
        </div>
      )}
    </Loaded>
  );
}

function Pod({ pod }: { pod: PodmanPod }) {
  return (
    <section className="stack podman-pod" aria-label={`Pod ${pod.name}`}>
      <div className="row">
        <h3>
          <code>{pod.name}</code>
        </h3>
        <StatusBadge status={podStatus(pod)} label={pod.status} />
        <span className="muted">{podRunning(pod)} running</span>
      </div>
      <div className="table-wrap">
        <table aria-label={`Containers of ${pod.name}`}>
          <thead>
            <tr>
              {/* State, restarts and ports first, so that a phone shows them without scrolling. */}
              <th>Container</th>
              <th>State</th>
              <th>Restarts</th>
              <th>Ports</th>
              <th>Digest</th>
              <th className="hide-small">Image</th>
              <th className="hide-small">Started</th>
            </tr>
          </thead>
          <tbody>
            {pod.containers.map((container) => {
              const badge = containerBadge(container);
              return (
                <tr key={container.name}>
                  <td>
                    <code>{container.name}</code>
                  </td>
                  <td>
                    <StatusBadge status={badge.status} label={badge.label} />
                  </td>
                  <td>{container.restarts}</td>
                  <td>
                    {container.ports.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      container.ports.map((port) => (
                        <div key={`${port.host_ip}:${port.host_port}`}>
                          <code>{portText(port)}</code>
                        </div>
                      ))
                    )}
                  </td>
                  <td>
                    {container.digest ? (
                      <DigestText digest={container.digest} />
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="hide-small podman-image">
                    <code>{container.image}</code>
                  </td>
                  <td className="hide-small">
                    <TimeAgo iso={container.started_at} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
