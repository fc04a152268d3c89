import { Link } from 'wouter';
import type { Release } from '../api/release-types.ts';
import { useApi } from '../api/use-api.ts';
import { Loaded } from '../components/loading.tsx';
import { Markdown } from '../components/markdown.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { affectsReleases } from '../lib/release.ts';
import { useProject } from '../project-context.tsx';
import '../releases.css';
import { UserLabel } from '../components/user-name.tsx';
import { shortSha } from '../lib/short-sha.ts';

function Deployments({ base, release }: { base: string; release: Release }) {
  if (release.deployments.length === 0) {
    return <div className="card empty">Tag {release.tag_name} has not been deployed yet.</div>;
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Environment</th>
            <th>Deployment</th>
            <th>Status</th>
            <th className="hide-small">Commit</th>
            <th>Started</th>
            <th className="hide-small">Finished</th>
          </tr>
        </thead>
        <tbody>
          {release.deployments.map((deployment) => (
            <tr key={deployment.id}>
              <td>
                <Link href={`${base}/environments/${deployment.environment.id}`}>
                  {deployment.environment.name}
                </Link>
              </td>
              <td>#{deployment.iid}</td>
              <td>
                <StatusBadge status={deployment.status} />
              </td>
              <td className="hide-small">
                <code>{shortSha(deployment.sha)}</code>
              </td>
              <td>
                <TimeAgo iso={deployment.created_at} />
              </td>
              <td className="hide-small">
                <TimeAgo iso={deployment.finished_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One release: its notes (Markdown, rendered safely), asset links, and the deployments of its tag. */
export function ReleasePage({ tag }: { tag: string }) {
  const { project, api, base } = useProject();
  const state = useApi<Release>(`${api}/releases/${encodeURIComponent(tag)}`, {
    liveWhen: (event) => affectsReleases(event, project.id),
  });
  return (
    <Loaded state={state}>
      {(release) => (
        <div className="stack">
          <nav className="breadcrumbs" aria-label="Breadcrumbs">
            <Link href={`${base}/releases`}>Releases</Link> / {release.tag_name}
          </nav>
          <div>
            <h2 className="row">
              {release.name}
              {release.upcoming_release && <StatusBadge status="scheduled" label="upcoming" />}
            </h2>
            <p className="muted release-byline">
              Tag <code>{release.tag_name}</code> at <code>{release.commit.short_id}</code>, released{' '}
              <TimeAgo iso={release.released_at} />
              {release.author && (
                <>
                  {' '}
                  by <UserLabel user={release.author} />
                </>
              )}
            </p>
          </div>
          <section className="card" aria-labelledby="notes-heading">
            <h2 id="notes-heading">Notes</h2>
            {release.description.trim() ? (
              <Markdown source={release.description} label="Release notes" />
            ) : (
              <p className="muted">No notes.</p>
            )}
          </section>
          {release.assets.links.length > 0 && (
            <section className="card" aria-labelledby="assets-heading">
              <h2 id="assets-heading">Assets</h2>
              <ul className="release-assets">
                {release.assets.links.map((link) => (
                  <li key={link.id}>
                    <a href={link.url} target="_blank" rel="noopener noreferrer">
                      {link.name}
                    </a>{' '}
                    {link.link_type !== 'other' && <StatusBadge status="neutral" label={link.link_type} />}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="stack" aria-labelledby="deployments-heading">
            <h2 id="deployments-heading">Deployments of {release.tag_name}</h2>
            <Deployments base={base} release={release} />
          </section>
        </div>
      )}
    </Loaded>
  );
}
