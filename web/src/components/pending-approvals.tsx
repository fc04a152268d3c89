import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { ApprovalStanding, DeploymentRecord, EnvironmentDetails } from '../api/environment-types.ts';
import type { LiveEvent } from '../api/live-events.ts';
import { useApi } from '../api/use-api.ts';
import { approvalProgress } from '../lib/approval.ts';
import { shortSha } from '../lib/short-sha.ts';
import { useProject } from '../project-context.tsx';
import { ConfirmButton } from './action-button.tsx';
import { ApprovalActions } from './approval-actions.tsx';
import { Loaded } from './loading.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';
import { UserLabel } from './user-name.tsx';

/** Blocked deployments shown at most; more would be a queue gone wrong, and the history lists all. */
const SHOWN = 10;

/**
 * The environment's blocked deployments, live: those waiting for approvals with their decisions so
 * far and approve / reject actions, and manual ones waiting for someone to deploy them.
 */
export function PendingApprovals({
  environment,
  canDeploy,
}: {
  environment: EnvironmentDetails;
  /** Developers and up see the actions (the API still decides who may approve). */
  canDeploy: boolean;
}) {
  const { api: projectApi } = useProject();
  const liveWhen = (event: LiveEvent) =>
    event.type === 'deployment' && event.environment_id === environment.id;
  const query = new URLSearchParams({
    environment: environment.name,
    status: 'blocked',
    per_page: String(SHOWN),
  });
  const blocked = useApi<DeploymentRecord[]>(`${projectApi}/deployments?${query}`, { liveWhen });
  const [outcome, setOutcome] = useState('');
  return (
    <Loaded state={blocked}>
      {(items) => (
        <div className="stack">
          {outcome && (
            <p className="alert alert-info" role="status">
              {outcome}
            </p>
          )}
          {items.length === 0 ? (
            <p className="muted">No deployment is waiting for approval or to be deployed.</p>
          ) : (
            <ul className="blocked-list">
              {items.map((deployment) => (
                <BlockedDeployment
                  key={deployment.id}
                  deployment={deployment}
                  environment={environment}
                  canDeploy={canDeploy}
                  liveWhen={liveWhen}
                  onOutcome={(text) => {
                    setOutcome(text);
                    blocked.reload();
                  }}
                />
              ))}
            </ul>
          )}
        </div>
      )}
    </Loaded>
  );
}

function BlockedDeployment({
  deployment,
  environment,
  canDeploy,
  liveWhen,
  onOutcome,
}: {
  deployment: DeploymentRecord;
  environment: EnvironmentDetails;
  canDeploy: boolean;
  liveWhen: (event: LiveEvent) => boolean;
  onOutcome: (text: string) => void;
}) {
  const { project, api: projectApi } = useProject();
  const standing = useApi<ApprovalStanding>(`${projectApi}/deployments/${deployment.id}/approval_state`, {
    liveWhen,
  });
  const subject = `deployment #${deployment.iid} to ${environment.name}`;
  return (
    <li className="blocked-item stack" data-deployment-iid={deployment.iid}>
      <div className="row">
        <strong>#{deployment.iid}</strong>
        <code>{shortSha(deployment.sha)}</code>
        <span className="muted">on</span>
        <code>{deployment.ref}</code>
        <span className="muted">
          by <UserLabel user={deployment.user} />, <TimeAgo iso={deployment.created_at} />
        </span>
      </div>
      <Loaded state={standing}>
        {({ approval_state: state, approvals }) => (
          <>
            <div className="row blocked-state">
              {state.state === 'not_required' ? (
                <span className="muted">Manual: waits for someone to deploy it.</span>
              ) : (
                <>
                  <StatusBadge status={state.state === 'approved' ? 'approved' : state.state} />
                  <span>{approvalProgress(state)}</span>
                  {state.state === 'approved' && (
                    <span className="muted">Waits for someone to deploy it.</span>
                  )}
                </>
              )}
              {canDeploy && state.state === 'pending' && (
                <ApprovalActions
                  projectId={project.id}
                  deploymentId={deployment.id}
                  subject={subject}
                  approvalState={state}
                  onDecided={(text) => {
                    // A decision that does not complete the approvals changes no deployment, so no
                    // live event tells this view: read the standing again.
                    standing.reload();
                    onOutcome(text);
                  }}
                />
              )}
              {canDeploy &&
                (state.state === 'not_required' || state.state === 'approved') &&
                deployment.pipeline_id !== null && (
                  <ConfirmButton
                    label="Deploy"
                    small
                    title={`Deploy #${deployment.iid} to ${environment.name}?`}
                    onConfirm={async () => {
                      await api(`${projectApi}/environments/${environment.id}/deploy`, {
                        method: 'POST',
                        body: { pipeline_id: deployment.pipeline_id },
                      });
                      onOutcome(`Deployment #${deployment.iid} started.`);
                    }}
                  >
                    <p>
                      Runs the waiting deploy job of its pipeline, for commit{' '}
                      <code>{shortSha(deployment.sha)}</code> on <code>{deployment.ref}</code>.
                    </p>
                  </ConfirmButton>
                )}
            </div>
            {approvals.length > 0 && (
              <ul className="decision-list">
                {approvals.map((approval) => (
                  <li key={approval.id}>
                    <StatusBadge status={approval.status} /> <UserLabel user={approval.user} />{' '}
                    <TimeAgo iso={approval.created_at} />
                    {approval.comment && <q className="muted"> {approval.comment}</q>}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Loaded>
    </li>
  );
}
