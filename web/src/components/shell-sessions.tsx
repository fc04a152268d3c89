import { useEffect } from 'react';
import type { ShellSessionRecord } from '../api/environment-operations-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { statusLabel } from '../lib/status-tone.ts';
import { useProject } from '../project-context.tsx';
import { LiveDuration } from './live-duration.tsx';
import { PagedList } from './paged-list.tsx';
import { TimeAgo } from './time-ago.tsx';
import { UserLabel } from './user-name.tsx';

/** How a session ended, as its row says it. */
function outcome(session: ShellSessionRecord): string {
  if (session.ended_at === null) return 'running';
  const reason = session.end_reason ? statusLabel(session.end_reason) : 'ended';
  return session.exit_code === null ? reason : `exit ${session.exit_code}`;
}

/**
 * The audit record of the environment's shells (`GET …/shell_sessions`, maintainers only), newest
 * first: who, when, in which container, what, how long, and how it ended. `generation` refetches
 * it (a session just ended).
 */
export function ShellSessions({ environmentId, generation }: { environmentId: number; generation: number }) {
  const { api } = useProject();
  const list = usePagedApi<ShellSessionRecord>(`${api}/environments/${environmentId}/shell_sessions`, {
    perPage: 20,
  });
  const { reload } = list;
  useEffect(() => {
    if (generation > 0) reload();
  }, [generation, reload]);
  return (
    <PagedList list={list} empty="No shell was opened in this environment yet.">
      {(sessions) => (
        <div className="table-wrap">
          <table aria-label="Shell sessions">
            <thead>
              <tr>
                <th>Who</th>
                <th>Started</th>
                <th>Container</th>
                <th className="hide-small">Pod</th>
                <th>Duration</th>
                <th>Ended</th>
                <th className="hide-small">Command</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <tr key={session.id}>
                  <td>
                    <UserLabel user={session.user} />
                  </td>
                  <td>
                    <TimeAgo iso={session.started_at} />
                  </td>
                  <td>
                    <code>{session.container}</code>
                  </td>
                  <td className="hide-small">
                    <code>{session.pod}</code>
                  </td>
                  <td>
                    <LiveDuration
                      startedAt={session.started_at}
                      finishedAt={session.ended_at}
                      running={session.ended_at === null}
                    />
                  </td>
                  <td>{outcome(session)}</td>
                  <td className="hide-small">
                    <code>{session.command.join(' ')}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </PagedList>
  );
}
