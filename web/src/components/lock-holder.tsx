import { Link } from 'wouter';
import { api } from '../api/api-client.ts';
import type { DeploymentLock } from '../api/environment-types.ts';
import type { LiveEvent } from '../api/live-events.ts';
import { useApi } from '../api/use-api.ts';
import { environmentLockKey } from '../lib/environment-display.ts';
import { formatDateTime } from '../lib/format-time.ts';
import { useProject } from '../project-context.tsx';
import { useCurrentUser } from '../session.tsx';
import { ConfirmButton } from './action-button.tsx';
import { Loaded } from './loading.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';

/**
 * Who holds the environment's deployment lock (one deployment at a time), live; instance admins may
 * release it, for a holder the server wrongly believes alive.
 */
export function LockHolder({ environmentId }: { environmentId: number }) {
  const { project, api: projectApi, base } = useProject();
  const user = useCurrentUser();
  const locks = useApi<DeploymentLock[]>(`${projectApi}/deployment_locks`, {
    liveWhen: (event: LiveEvent) =>
      (event.type === 'job' || event.type === 'deployment') && event.project_id === project.id,
  });
  const key = environmentLockKey(environmentId);
  return (
    <Loaded state={locks}>
      {(items) => {
        const lock = items.find((item) => item.key === key);
        if (!lock) return <p className="muted">No deployment holds the lock: the next one may start.</p>;
        const { holder } = lock;
        return (
          <div className="stack">
            <dl className="environment-facts">
              <div>
                <dt>Held by</dt>
                <dd className="row">
                  <Link href={`${base}/jobs/${holder.job_id}`}>
                    {holder.job_name ?? `job ${holder.job_id}`}
                  </Link>
                  {holder.job_status && <StatusBadge status={holder.job_status} />}
                </dd>
              </div>
              <div>
                <dt>Since</dt>
                <dd>
                  <TimeAgo iso={lock.acquired_at} />
                </dd>
              </div>
              <div>
                <dt>Lease until</dt>
                <dd>{holder.lease_expires_at ? formatDateTime(holder.lease_expires_at) : '—'}</dd>
              </div>
            </dl>
            {user.is_admin && (
              <div>
                <ConfirmButton
                  label="Release lock"
                  small
                  danger
                  title="Release the deployment lock?"
                  confirmLabel="Release"
                  onConfirm={async () => {
                    await api(`${projectApi}/deployment_locks/${encodeURIComponent(key)}`, {
                      method: 'DELETE',
                    });
                    locks.reload();
                  }}
                >
                  <p>
                    The holder keeps running; the next deployment may start beside it. Release only a lock
                    whose holder is gone but still believed alive. This is recorded in the audit log.
                  </p>
                </ConfirmButton>
              </div>
            )}
          </div>
        );
      }}
    </Loaded>
  );
}
