import { useState } from 'react';
import { Link } from 'wouter';
import type { Project } from '../api/types.ts';
import { useApiPage } from '../api/use-api.ts';
import { Loaded } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Pagination } from '../components/pagination.tsx';
import { TimeAgo } from '../components/time-ago.tsx';

const PER_PAGE = 50;

/** The projects the user is a member of (all, for admins), searchable and paginated. */
export function ProjectsPage() {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
  if (search.trim()) query.set('search', search.trim());
  const state = useApiPage<Project>(`/projects?${query}`);
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
        <div className="field" style={{ maxWidth: 360 }}>
          <label htmlFor="project-search">Search</label>
          <input
            id="project-search"
            type="search"
            value={search}
            placeholder="Name or path"
            onChange={(event) => {
              setSearch(event.target.value);
              setPage(1);
            }}
          />
        </div>
        <Loaded state={state}>
          {({ items, totalPages }) =>
            items.length === 0 ? (
              <div className="card empty">
                {search ? 'No project matches.' : 'No projects yet. Create one to push code and deploy it.'}
              </div>
            ) : (
              <>
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
                <Pagination page={page} totalPages={totalPages} onPage={setPage} />
              </>
            )
          }
        </Loaded>
      </div>
    </>
  );
}
