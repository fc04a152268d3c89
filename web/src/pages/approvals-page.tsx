import { useState } from 'react';
import { Link } from 'wouter';
import type { AwaitingApproval } from '../api/approval-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { ApprovalActions } from '../components/approval-actions.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { approvalProgress } from '../lib/approval.ts';
import '../approvals.css';
import { UserLabel } from '../components/user-name.tsx';
import { shortSha } from '../lib/short-sha.ts';

const PER_PAGE = 20;

/** One blocked deployment: where it goes, what it deploys, who started it, and the decisions. */
function AwaitingItem({ item, onDecided }: { item: AwaitingApproval; onDecided: (outcome: string) => void }) {
  const project = `/projects/${item.project.id}`;
  const headingId = `awaiting-${item.id}`;
  return (
    <li className="card stack" aria-labelledby={headingId}>
      <div className="row row-spread">
        <h2 id={headingId} className="row">
          <Link href={project}>{item.project.path_with_namespace}</Link>
          <span aria-hidden="true">→</span>
          <Link href={`${project}/environments/${item.environment.id}`}>{item.environment.name}</Link>
        </h2>
        <StatusBadge status={item.status} />
      </div>
      <dl className="approval-facts">
        <div>
          <dt>Deployment</dt>
          <dd>#{item.iid}</dd>
        </div>
        <div>
          <dt>{item.tag ? 'Tag' : 'Branch'}</dt>
          <dd>
            <code>{item.ref}</code> <code className="muted">{shortSha(item.sha)}</code>
          </dd>
        </div>
        <div>
          <dt>Started by</dt>
          <dd>
            <UserLabel user={item.user} />
          </dd>
        </div>
        <div>
          <dt>Waiting since</dt>
          <dd>
            <TimeAgo iso={item.created_at} />
          </dd>
        </div>
        <div>
          <dt>Approvals</dt>
          <dd>{approvalProgress(item.approval_state)}</dd>
        </div>
        {item.deployable && (
          <div>
            <dt>Job</dt>
            <dd>
              <Link href={`${project}/jobs/${item.deployable.id}`}>{item.deployable.name}</Link>
              {item.pipeline_id !== null && (
                <>
                  {' in its '}
                  <Link href={`${project}/pipelines/${item.pipeline_id}`}>pipeline</Link>
                </>
              )}
            </dd>
          </div>
        )}
      </dl>
      <ApprovalActions
        projectId={item.project.id}
        deploymentId={item.id}
        subject={`deployment #${item.iid} of ${item.project.path_with_namespace} to ${item.environment.name}`}
        approvalState={item.approval_state}
        onDecided={onDecided}
      />
    </li>
  );
}

/**
 * Deployments awaiting the current user's approval, across their projects: blocked deployments to
 * protected environments whose rule lists them as an approver and that they have not decided on.
 * The list follows deployment events, so an item leaves once decided (here or elsewhere).
 */
export function ApprovalsPage() {
  const [outcome, setOutcome] = useState<string>();
  const list = usePagedApi<AwaitingApproval>('/deployments/awaiting_approval', {
    perPage: PER_PAGE,
    liveWhen: (event) => event.type === 'deployment',
  });
  return (
    <>
      <PageHeader
        title="Approvals"
        subtitle="Deployments to protected environments waiting for your approval."
      />
      <div className="stack">
        <p role="status" className={outcome ? 'alert alert-info' : 'visually-hidden'}>
          {outcome}
        </p>
        <PagedList list={list} empty="Nothing is waiting for your approval.">
          {(items) => (
            <ul className="approval-list stack" aria-label="Deployments awaiting your approval">
              {items.map((item) => (
                <AwaitingItem
                  key={item.id}
                  item={item}
                  onDecided={(text) => {
                    setOutcome(`Deployment #${item.iid} to ${item.environment.name}: ${text}`);
                    // The last item of a later page leaves: show the page before instead of an empty one.
                    if (items.length === 1 && list.page > 1) list.setPage(list.page - 1);
                    else list.reload();
                  }}
                />
              ))}
            </ul>
          )}
        </PagedList>
      </div>
    </>
  );
}
