import { useId } from 'react';
import { Link } from 'wouter';
import type { EnvironmentDetails } from '../api/environment-types.ts';
import type { LiveEvent } from '../api/live-events.ts';
import { useApi } from '../api/use-api.ts';
import { DeploymentHistory } from '../components/deployment-history.tsx';
import { EnvironmentActions } from '../components/environment-actions.tsx';
import { EnvironmentOperationsView, useShellAllowed } from '../components/environment-operations-view.tsx';
import { EnvironmentTabs } from '../components/environment-tabs.tsx';
import { KubernetesLiveView } from '../components/kubernetes-live-view.tsx';
import { Loaded } from '../components/loading.tsx';
import { LockHolder } from '../components/lock-holder.tsx';
import { PendingApprovals } from '../components/pending-approvals.tsx';
import { onPodman, PodmanLiveView, usePodmanLiveView } from '../components/podman-live-view.tsx';
import { RunningImages } from '../components/running-images.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TierBadge } from '../components/tier-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { WhatWasDeployed } from '../components/what-was-deployed.tsx';
import { atLeast } from '../lib/access-level.ts';
import { deployedSummary } from '../lib/deployed-summary.ts';
import { formatDateTime } from '../lib/format-time.ts';
import { shortSha } from '../lib/short-sha.ts';
import { useProject } from '../project-context.tsx';
import { useProjectAccess } from '../settings/use-project-access.ts';
import '../environments.css';

/**
 * One environment: what runs there (with its images' digests) and how to reach it, its actions
 * (deploy, rebuild, stop), the lock holder, deployments waiting for approval, the deployment
 * history with rollback and re-deploy, and the live view of its target: on a Podman host the
 * containers, otherwise the Kubernetes workloads, pods and drift. Everything follows live events.
 * The views `tab` names (`logs`, `shell`, `graphs`; the overview when empty) look inside it.
 */
export function EnvironmentPage({ environmentId, tab = '' }: { environmentId: string; tab?: string }) {
  const { api, base } = useProject();
  const { level } = useProjectAccess();
  const canDeploy = atLeast(level, 'developer');
  const id = Number(environmentId);
  const environment = useApi<EnvironmentDetails>(`${api}/environments/${encodeURIComponent(environmentId)}`, {
    liveWhen: (event: LiveEvent) => event.type === 'deployment' && event.environment_id === id,
  });
  const podman = usePodmanLiveView(id);
  const shellAllowed = useShellAllowed(level);
  const ids = useId();
  const deployed = deployedSummary(environment.data?.last_successful_deployment?.snapshot);
  return (
    <Loaded state={environment}>
      {(env) => (
        <div className="stack environment-page">
          <nav className="breadcrumbs" aria-label="Breadcrumbs">
            <Link href={`${base}/environments`}>Environments</Link>
            {env.folder && <span> / {env.folder}</span>}
          </nav>
          <section className="card stack" aria-labelledby={`${ids}-name`}>
            <div className="environment-header">
              <div className="row">
                <h2 id={`${ids}-name`}>{env.name}</h2>
                <TierBadge tier={env.tier} />
                <StatusBadge status={env.state} />
              </div>
              {canDeploy && <EnvironmentActions environment={env} onChanged={environment.reload} />}
            </div>
            <EnvironmentFacts environment={env} kubernetes={onPodman(podman) !== true && !deployed} />
          </section>
          {/* Logs, shells and graphs look into containers, which hosts, buckets, repositories and
              playbooks have none of (what was deployed there is on the overview). */}
          {(!deployed || tab !== '') && (
            <EnvironmentTabs
              base={`${base}/environments/${env.id}`}
              hidden={shellAllowed || tab === 'shell' ? [] : ['shell']}
            />
          )}
          {tab !== '' ? (
            <EnvironmentOperationsView
              tab={tab}
              environment={env}
              level={level}
              onChanged={environment.reload}
            />
          ) : (
            <>
              {env.last_successful_deployment?.snapshot?.images?.length ? (
                <section className="card" aria-labelledby={`${ids}-images`}>
                  <h2 id={`${ids}-images`}>Images</h2>
                  <RunningImages
                    images={env.last_successful_deployment.snapshot.images}
                    labelledBy={`${ids}-images`}
                  />
                </section>
              ) : null}
              {deployed && (
                <section className="card stack" aria-labelledby={`${ids}-deployed`}>
                  <h2 id={`${ids}-deployed`}>What was deployed</h2>
                  <WhatWasDeployed summary={deployed} />
                </section>
              )}
              <div className="grid-2">
                <section className="card" aria-labelledby={`${ids}-approvals`}>
                  <h2 id={`${ids}-approvals`}>Blocked deployments</h2>
                  <PendingApprovals environment={env} canDeploy={canDeploy} />
                </section>
                <section className="card" aria-labelledby={`${ids}-lock`}>
                  <h2 id={`${ids}-lock`}>Deployment lock</h2>
                  <LockHolder environmentId={env.id} />
                </section>
              </div>
              <section className="stack" aria-labelledby={`${ids}-history`}>
                <h2 id={`${ids}-history`}>Deployment history</h2>
                <DeploymentHistory environment={env} canDeploy={canDeploy} />
              </section>
              {/* The live view of the environment's target, once the Podman view said whether it is one
                  (hosts, buckets and repositories have none: what was deployed there is shown above). */}
              {onPodman(podman) === true && (
                <section className="card" aria-labelledby={`${ids}-podman`}>
                  <h2 id={`${ids}-podman`}>Podman</h2>
                  <PodmanLiveView live={podman} />
                </section>
              )}
              {onPodman(podman) === false && !deployed && (
                <section className="card" aria-labelledby={`${ids}-kubernetes`}>
                  <h2 id={`${ids}-kubernetes`}>Kubernetes</h2>
                  <KubernetesLiveView environmentId={env.id} />
                </section>
              )}
            </>
          )}
        </div>
      )}
    </Loaded>
  );
}

/** URL, what runs there, auto-stop time and (on Kubernetes) the namespace. */
function EnvironmentFacts({
  environment,
  kubernetes,
}: {
  environment: EnvironmentDetails;
  kubernetes: boolean;
}) {
  const current = environment.last_successful_deployment;
  return (
    <dl className="environment-facts">
      <div>
        <dt>URL</dt>
        <dd>
          {environment.external_url ? (
            <a href={environment.external_url} target="_blank" rel="noreferrer noopener">
              {environment.external_url}
            </a>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
      </div>
      <div>
        <dt>{environment.state === 'stopped' ? 'Last deployed' : 'Running'}</dt>
        <dd>
          {current ? (
            <>
              #{current.iid} <code>{shortSha(current.sha)}</code> <span className="muted">on</span>{' '}
              <code>{current.ref}</code>, <TimeAgo iso={current.finished_at ?? current.created_at} />
            </>
          ) : (
            <span className="muted">nothing deployed successfully</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Auto-stop</dt>
        <dd>
          {environment.auto_stop_at ? (
            <time dateTime={environment.auto_stop_at}>{formatDateTime(environment.auto_stop_at)}</time>
          ) : (
            <span className="muted">never</span>
          )}
        </dd>
      </div>
      {kubernetes && (
        <div>
          <dt>Kubernetes namespace</dt>
          <dd>
            {environment.kubernetes_namespace ? (
              <code>{environment.kubernetes_namespace}</code>
            ) : (
              // Set only by `environment: kubernetes: namespace`; otherwise the target's template names
              // it (the live view below shows the one in use).
              <span className="muted">from the target</span>
            )}
          </dd>
        </div>
      )}
    </dl>
  );
}
