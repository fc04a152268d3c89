import { useState } from 'react';
import { Link } from 'wouter';
import type { Project } from '../api/types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { PageHeader } from '../components/page-header.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { TimeAgo } from '../components/time-ago.tsx';

/** The projects the user is a member of (all, for admins), searchable and paginated. */
export function ProjectsPage() {
  const [search, setSearch] = useState('');
  const query = new URLSearchParams();
  if (search.trim()) query.set('search', search.trim());
  const list = usePagedApi<Project>(`/projects?${query}`);
  return (
    <>
      <PageHeader
        title="Projects"
        actions={
          <Link href="/projects/new" className="button button-primary">
            New project
          </Link>
        }
      />
      <div className="stack">
        <div className="field search-field">
          <label htmlFor="project-search">Search</label>
          <input
            id="project-search"
            type="search"
            value={search}
            placeholder="Name or path"
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <PagedList
          list={list}
          empty={search ? 'No project matches.' : 'No projects yet. Create one to push code and deploy it.'}
        >
          {(items) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Project</th>
                    <th className="hide-small">Kind</th>
                    <th>Last activity</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((project) => (
                    <tr key={project.id}>
                      <td>
                        <Link href={`/projects/${project.id}`}>{project.path_with_namespace}</Link>
                        {project.description && <div className="muted">{project.description}</div>}
                      </td>
                      <td className="hide-small">{project.mirror ? 'Mirror' : 'Hosted'}</td>
                      <td>
                        <TimeAgo iso={project.last_activity_at} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </PagedList>
      </div>
    </>
  );
}
