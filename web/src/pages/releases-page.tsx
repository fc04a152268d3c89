import { Link } from 'wouter';
import type { Release } from '../api/release-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { PagedList } from '../components/paged-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { affectsReleases, latestPerEnvironment, releaseHref } from '../lib/release.ts';
import { useProject } from '../project-context.tsx';

const PER_PAGE = 20;

/** A project's releases, newest first: tag, commit, where each was deployed, its assets. */
export function ReleasesPage() {
  const { project, api, base } = useProject();
  const list = usePagedApi<Release>(`${api}/releases`, {
    perPage: PER_PAGE,
    liveWhen: (event) => affectsReleases(event, project.id),
  });
  return (
    <section aria-labelledby="releases-heading" className="stack">
      <h2 id="releases-heading">Releases</h2>
      <PagedList
        list={list}
        empty={
          <>
            No releases yet. Create one for a tag with <code>POST {`/api/v1${api}/releases`}</code>.
          </>
        }
      >
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Release</th>
                  <th className="hide-small">Commit</th>
                  <th>Released</th>
                  <th>Deployed to</th>
                  <th className="hide-small">Assets</th>
                </tr>
              </thead>
              <tbody>
                {items.map((release) => (
                  <tr key={release.tag_name}>
                    <td>
                      <Link href={releaseHref(base, release.tag_name)}>{release.name}</Link>
                      {release.name !== release.tag_name && (
                        <div>
                          <code className="muted">{release.tag_name}</code>
                        </div>
                      )}
                    </td>
                    <td className="hide-small">
                      <code>{release.commit.short_id}</code>
                    </td>
                    <td>
                      {release.upcoming_release ? (
                        <StatusBadge status="scheduled" label="upcoming" />
                      ) : (
                        <TimeAgo iso={release.released_at} />
                      )}
                    </td>
                    <td>
                      {release.deployments.length === 0 ? (
                        <span className="muted">not deployed</span>
                      ) : (
                        <span className="row">
                          {latestPerEnvironment(release.deployments).map((deployment) => (
                            <StatusBadge
                              key={deployment.environment.id}
                              status={deployment.status}
                              label={`${deployment.environment.name}: ${deployment.status}`}
                            />
                          ))}
                        </span>
                      )}
                    </td>
                    <td className="hide-small">{release.assets.links.length || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
    </section>
  );
}
