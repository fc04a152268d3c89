import { Link } from 'wouter';
import { api } from '../api/api-client.ts';
import type { DeploymentRecord, EnvironmentDetails } from '../api/environment-types.ts';
import type { LiveEvent } from '../api/live-events.ts';
import { usePagedApi } from '../api/use-api.ts';
import { historyActions } from '../lib/deployment-history-actions.ts';
import { shortSha } from '../lib/short-sha.ts';
import { useProject } from '../project-context.tsx';
import { ConfirmButton } from './action-button.tsx';
import { ActionsHeading } from './actions-heading.tsx';
import { Loaded } from './loading.tsx';
import { Pagination } from './pagination.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';
import { UserLabel } from './user-name.tsx';

const PER_PAGE = 20;

/**
 * An environment's deployments, newest first, paginated on the server (an environment may have
 * 100,000), live. Successful deployments get Rollback (an earlier one) or Re-deploy (the current
 * one), each confirmed in a dialog that shows the API's error.
 */
export function DeploymentHistory({
  environment,
  canDeploy,
}: {
  environment: EnvironmentDetails;
  /** Whether the user may start deployments (developers and up): the buttons show only then. */
  canDeploy: boolean;
}) {
  const { api: projectApi, base } = useProject();
  const query = new URLSearchParams({ environment: environment.name });
  const history = usePagedApi<DeploymentRecord>(`${projectApi}/deployments?${query}`, {
    perPage: PER_PAGE,
    liveWhen: (event: LiveEvent) => event.type === 'deployment' && event.environment_id === environment.id,
  });
  const currentId = environment.last_successful_deployment?.id;

  return (
    <Loaded state={history}>
      {({ items, totalPages, total }) =>
        items.length === 0 ? (
          <div className="card empty">No deployments yet.</div>
        ) : (
          <>
            <div className="table-wrap">
              <table aria-label="Deployment history">
                <thead>
                  <tr>
                    <th>Deployment</th>
                    <th>Status</th>
                    <th>Commit</th>
                    <th className="hide-small">Job</th>
                    <th className="hide-small">By</th>
                    <th>Created</th>
                    {canDeploy && <ActionsHeading />}
                  </tr>
                </thead>
                <tbody>
                  {items.map((deployment) => {
                    const actions = historyActions(deployment, currentId);
                    const rolledBack =
                      deployment.rollback_of === null
                        ? undefined
                        : items.find((item) => item.id === deployment.rollback_of);
                    return (
                      <tr key={deployment.id} data-deployment-iid={deployment.iid}>
                        <td>
                          <span className="row">
                            <strong>#{deployment.iid}</strong>
                            {deployment.id === currentId && <span className="badge badge-info">current</span>}
                            {deployment.action === 'stop' && <span className="badge">stop</span>}
                            {deployment.rebuild && <span className="badge">rebuild</span>}
                          </span>
                          {deployment.rollback_of !== null && (
                            <div className="muted">
                              {rolledBack
                                ? `re-applies #${rolledBack.iid}`
                                : 're-applies an earlier deployment'}
                            </div>
                          )}
                        </td>
                        <td>
                          <StatusBadge status={deployment.status} />
                        </td>
                        <td>
                          <code>{shortSha(deployment.sha)}</code> <span className="muted">on</span>{' '}
                          <code>{deployment.ref}</code>
                        </td>
                        <td className="hide-small">
                          {deployment.deployable ? (
                            <Link href={`${base}/jobs/${deployment.deployable.id}`}>
                              {deployment.deployable.name}
                            </Link>
                          ) : (
                            <span className="muted">external</span>
                          )}
                        </td>
                        <td className="hide-small">
                          <UserLabel user={deployment.user} />
                        </td>
                        <td>
                          <TimeAgo iso={deployment.created_at} />
                        </td>
                        {canDeploy && (
                          <td>
                            <HistoryActions
                              deployment={deployment}
                              environment={environment}
                              rollback={actions.rollback}
                              redeploy={actions.redeploy}
                              onDone={history.reload}
                            />
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div className="row environments-footer">
              <span className="muted">
                {total} deployment{total === 1 ? '' : 's'}
              </span>
              <Pagination page={history.page} totalPages={totalPages} onPage={history.setPage} />
            </div>
          </>
        )
      }
    </Loaded>
  );
}

/** Rollback or Re-deploy for one row, confirmed. */
function HistoryActions({
  deployment,
  environment,
  rollback,
  redeploy,
  onDone,
}: {
  deployment: DeploymentRecord;
  environment: EnvironmentDetails;
  rollback: boolean;
  redeploy: boolean;
  onDone: () => void;
}) {
  const { api: projectApi } = useProject();
  const what = (
    <>
      commit <code>{shortSha(deployment.sha)}</code> on <code>{deployment.ref}</code>
    </>
  );
  if (rollback) {
    return (
      <ConfirmButton
        label="Rollback"
        small
        title={`Roll ${environment.name} back to #${deployment.iid}?`}
        confirmLabel="Roll back"
        onConfirm={async () => {
          await api(`${projectApi}/deployments/${deployment.id}/rollback`, { method: 'POST' });
          onDone();
        }}
      >
        <p>
          A new deployment applies #{deployment.iid} ({what}) again: the same job at that commit, with the
          CI/CD variables as they are now. Approvals, freezes and locks apply as to any deployment.
        </p>
      </ConfirmButton>
    );
  }
  if (redeploy) {
    return (
      <ConfirmButton
        label="Re-deploy"
        small
        title={`Re-deploy #${deployment.iid} to ${environment.name}?`}
        onConfirm={async () => {
          await api(`${projectApi}/environments/${environment.id}/redeploy`, { method: 'POST' });
          onDone();
        }}
      >
        <p>
          A new deployment applies the current deployment #{deployment.iid} ({what}) again.
        </p>
      </ConfirmButton>
    );
  }
  return null;
}
