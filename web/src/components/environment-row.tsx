import { Link } from 'wouter';
import type { Environment } from '../api/types.ts';
import { shortSha } from '../lib/short-sha.ts';
import { StatusBadge } from './status-badge.tsx';
import { TierBadge } from './tier-badge.tsx';
import { TimeAgo } from './time-ago.tsx';
import { UserLabel } from './user-name.tsx';

/** The column headings matching {@link EnvironmentRow}. */
export function EnvironmentColumns() {
  return (
    <tr>
      <th>Environment</th>
      <th className="hide-small">Tier</th>
      <th>State</th>
      <th>Last deployment</th>
      <th className="hide-small">Commit</th>
      <th className="hide-small">By</th>
      <th className="hide-small">When</th>
    </tr>
  );
}

/**
 * An environment as a table row: name (linking to its page), tier, state, and its last deployment:
 * status, number, commit and ref, who started it, when.
 */
export function EnvironmentRow({
  base,
  environment,
  nested,
}: {
  /** UI prefix of the project. */
  base: string;
  environment: Environment;
  /** Indented under its folder's row. */
  nested?: boolean;
}) {
  const deployment = environment.last_deployment;
  return (
    <tr data-environment={environment.name}>
      <td className={nested ? 'environment-nested' : undefined}>
        <Link href={`${base}/environments/${environment.id}`}>
          {nested && environment.folder
            ? environment.name.slice(environment.folder.length + 1)
            : environment.name}
        </Link>
      </td>
      <td className="hide-small">
        <TierBadge tier={environment.tier} />
      </td>
      <td>
        <StatusBadge status={environment.state} />
      </td>
      {deployment ? (
        <>
          <td>
            <span className="row">
              <StatusBadge status={deployment.status} />
              <span className="muted">#{deployment.iid}</span>
              {deployment.action === 'stop' && <span className="muted">stop</span>}
              <span className="environment-when-inline muted">
                <TimeAgo iso={deployment.created_at} />
              </span>
            </span>
          </td>
          <td className="hide-small">
            <code>{shortSha(deployment.sha)}</code> <span className="muted">on</span>{' '}
            <code>{deployment.ref}</code>
          </td>
          <td className="hide-small">
            <UserLabel user={deployment.user} />
          </td>
          <td className="hide-small">
            <TimeAgo iso={deployment.created_at} />
          </td>
        </>
      ) : (
        <>
          <td className="muted">Never deployed</td>
          <td className="hide-small" />
          <td className="hide-small" />
          <td className="hide-small" />
        </>
      )}
    </tr>
  );
}
