import { Link } from 'wouter';
import type { Pipeline } from '../api/types.ts';
import { shortSha } from '../lib/short-sha.ts';
import { LiveDuration } from './live-duration.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';

/** Pipelines as rows: status, number, ref, commit, duration, age; each links to its page. */
export function PipelineTable({ base, pipelines }: { base: string; pipelines: Pipeline[] }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Status</th>
            <th>Pipeline</th>
            <th>Ref</th>
            <th className="hide-small">Commit</th>
            <th className="hide-small">Duration</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {pipelines.map((pipeline) => (
            <tr key={pipeline.id} data-pipeline-id={pipeline.id}>
              <td>
                <StatusBadge status={pipeline.status} />
              </td>
              <td>
                <Link href={`${base}/pipelines/${pipeline.id}`}>#{pipeline.iid}</Link>
                {pipeline.name && <span className="muted"> {pipeline.name}</span>}
              </td>
              <td>
                <code>{pipeline.ref}</code>
              </td>
              <td className="hide-small">
                <code>{shortSha(pipeline.sha)}</code>
              </td>
              <td className="hide-small">
                <LiveDuration
                  startedAt={pipeline.started_at}
                  finishedAt={pipeline.finished_at}
                  running={pipeline.status === 'running'}
                />
              </td>
              <td>
                <TimeAgo iso={pipeline.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
