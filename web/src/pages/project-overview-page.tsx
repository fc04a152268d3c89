import { Link } from 'wouter';
import type { Environment, Pipeline } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Loaded } from '../components/loading.tsx';
import { PipelineTable } from '../components/pipeline-table.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { shortSha } from '../lib/short-sha.ts';
import { useProject } from '../project-context.tsx';

/** A project at a glance: how to push to it, its latest pipelines, what runs in its environments. */
export function ProjectOverviewPage() {
  const { project, api, base } = useProject();
  const ofThisProject = (event: { project_id?: number }) => event.project_id === project.id;
  const pipelines = useApi<Pipeline[]>(`${api}/pipelines?per_page=5`, { liveWhen: ofThisProject });
  const environments = useApi<Environment[]>(`${api}/environments?per_page=20&states=available`, {
    liveWhen: ofThisProject,
  });
  return (
    <div className="stack">
      <section className="card" aria-labelledby="clone-heading">
        <h2 id="clone-heading">Clone</h2>
        {project.mirror ? (
          <p>
            Mirror of <code>{project.mirror_url}</code>
            {project.mirror_last_error && (
              <span className="alert alert-error">{project.mirror_last_error}</span>
            )}
          </p>
        ) : (
          <input
            aria-label="Clone URL"
            readOnly
            value={project.http_url_to_repo}
            onFocus={(event) => event.target.select()}
            className="mono"
          />
        )}
      </section>
      <section aria-labelledby="pipelines-heading" className="stack">
        <div className="row row-spread">
          <h2 id="pipelines-heading">Latest pipelines</h2>
          <Link href={`${base}/pipelines`}>All pipelines</Link>
        </div>
        <Loaded state={pipelines}>
          {(items) =>
            items.length === 0 ? (
              <div className="card empty">No pipelines yet: push a commit with a .gantry.yml.</div>
            ) : (
              <PipelineTable base={base} pipelines={items} />
            )
          }
        </Loaded>
      </section>
      <section aria-labelledby="environments-heading" className="stack">
        <div className="row row-spread">
          <h2 id="environments-heading">Environments</h2>
          <Link href={`${base}/environments`}>All environments</Link>
        </div>
        <Loaded state={environments}>
          {(items) =>
            items.length === 0 ? (
              <div className="card empty">No environments yet: a job with environment: creates one.</div>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Environment</th>
                      <th>Last deployment</th>
                      <th>When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((environment) => (
                      <tr key={environment.id}>
                        <td>
                          <Link href={`${base}/environments/${environment.id}`}>{environment.name}</Link>
                        </td>
                        <td>
                          {environment.last_deployment ? (
                            <span className="row">
                              <StatusBadge status={environment.last_deployment.status} />
                              <code>{shortSha(environment.last_deployment.sha)}</code>
                            </span>
                          ) : (
                            <span className="muted">never deployed</span>
                          )}
                        </td>
                        <td>
                          <TimeAgo iso={environment.last_deployment?.created_at} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </section>
    </div>
  );
}
